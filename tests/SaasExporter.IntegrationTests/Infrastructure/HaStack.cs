using SaasExporter.Demo;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// docker-compose.yml's <c>ha</c> profile with real servers on loopback: the demo database (scale 1, 180 days) and the
/// exporter with the compose settings, two Prometheus replicas from the shipped prometheus/prometheus-ha.yml writing
/// to one VictoriaMetrics with replica deduplication, and two Alertmanagers in a gossip cluster that both replicas
/// send to, every receiver posting to one webhook sink. Scrapes and evaluations are every second, so the store
/// deduplicates at one second, as compose pairs its 30 s scrape interval with 30 s deduplication.
/// </summary>
public sealed class HaStack : IAsyncDisposable
{
    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(1);

    private PostgresCluster? _cluster;
    private WebhookSink? _sink;
    private VictoriaMetricsServer? _store;
    private AlertmanagerServer? _alertmanagerA;
    private AlertmanagerServer? _alertmanagerB;
    private ExporterUnderTest? _exporter;
    private PrometheusServer? _prometheusA;
    private PrometheusServer? _prometheusB;

    private HaStack()
    {
    }

    public WebhookSink Sink => _sink ?? throw new InvalidOperationException("stack not started");

    public VictoriaMetricsServer Store => _store ?? throw new InvalidOperationException("stack not started");

    public ExporterUnderTest Exporter => _exporter ?? throw new InvalidOperationException("stack not started");

    public IReadOnlyList<AlertmanagerServer> Alertmanagers => [_alertmanagerA!, _alertmanagerB!];

    public IReadOnlyList<PrometheusServer> Replicas => [_prometheusA!, _prometheusB!];

    /// <param name="rewriteRules">Test-only rewrite of every rule file (compressed <c>for:</c>, say); shipped files are never edited.</param>
    public static async Task<HaStack> StartAsync(Func<string, string, string>? rewriteRules = null)
    {
        _ = PrometheusServer.BinaryPath;
        _ = AlertmanagerServer.BinaryPath;
        var stack = new HaStack();
        try
        {
            stack._cluster = await PostgresCluster.StartAsync();
            var connectionString = await stack._cluster.CreateDatabaseAsync("ha");
            await SeededDatabase.SeedAsync(connectionString, "public",
                new DemoParameters(SeededDatabase.Scale, SeededDatabase.Seed, SeededDatabase.AsOf, 180));

            stack._sink = await WebhookSink.StartAsync();
            stack._store = await VictoriaMetricsServer.StartStoreAsync(ScrapeInterval);
            var peerPorts = new[] { LoopbackPort.Free(), LoopbackPort.Free() };
            stack._alertmanagerA = await AlertmanagerServer.StartAsync(stack.Sink.Address, cluster: new AlertmanagerServer.Peering(peerPorts[0], [peerPorts[1]]));
            stack._alertmanagerB = await AlertmanagerServer.StartAsync(stack.Sink.Address, cluster: new AlertmanagerServer.Peering(peerPorts[1], [peerPorts[0]]));
            var settings = AlertStack.ComposeSettings();
            foreach (var key in settings.Keys.Where(k => k.EndsWith(":Timeout", StringComparison.Ordinal) || k.EndsWith(":Interval", StringComparison.Ordinal)).ToList())
            {
                // Values are pinned (AsOf) and this stack is not about polling: polls as in MonitoringStackFixture, so
                // a loaded test machine does not time them out.
                settings[key] = "00:00:20";
            }

            stack._exporter = await ExporterUnderTest.StartAsync(connectionString, settings);
            await stack.Exporter.WaitReadyAsync();
            Uri[] exporters = [stack.Exporter.Client.BaseAddress!];
            Uri[] alertmanagers = [stack._alertmanagerA.Address, stack._alertmanagerB.Address];
            stack._prometheusA = await PrometheusServer.StartReplicaAsync("a", exporters, alertmanagers, stack.Store.Address, rewriteRules);
            stack._prometheusB = await PrometheusServer.StartReplicaAsync("b", exporters, alertmanagers, stack.Store.Address, rewriteRules);
            foreach (var replica in stack.Replicas)
            {
                await replica.WaitForDataAsync("saas:arr", TimeSpan.FromSeconds(90));
            }

            await stack.WaitForStoreAsync("saas:arr", TimeSpan.FromSeconds(60));
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the exporter (its target goes down; both replicas keep scraping it).</summary>
    public async Task StopExporterAsync()
    {
        if (_exporter is not null)
        {
            await _exporter.DisposeAsync();
            _exporter = null;
        }
    }

    /// <summary>Polls the store until <paramref name="promql"/> returns a value.</summary>
    public async Task WaitForStoreAsync(string promql, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await Store.Api.ValuesAsync(promql)).Count == 0)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"`{promql}` has no value in VictoriaMetrics after {timeout}; its log: {Store.Log}; prometheus a: {Replicas[0].Log}");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Prometheus first (it sends to everything else), the database last.
        IAsyncDisposable?[] owned = [_prometheusB, _prometheusA, _exporter, _alertmanagerB, _alertmanagerA, _store, _sink, _cluster];
        foreach (var part in owned)
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }
    }
}
