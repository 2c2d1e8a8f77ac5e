using System.Diagnostics;
using System.Net;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A real VictoriaMetrics single-node server or vmalert (Debian package victoria-metrics) on a free loopback port with
/// a temporary directory. Only the process it started is stopped; its directory is deleted on dispose.
/// </summary>
public sealed class VictoriaMetricsServer : IAsyncDisposable
{
    private readonly ServerProcess _process;

    private VictoriaMetricsServer(ServerProcess process, Uri address)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Api = new PromQlApi(Client);
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>The Prometheus query API VictoriaMetrics serves (vmalert serves none).</summary>
    public PromQlApi Api { get; }

    public string Log => _process.Log;

    private static string Binary(string name) =>
        new[] { Environment.GetEnvironmentVariable("SAAS_EXPORTER_VICTORIA_METRICS_BINDIR") is { } dir ? Path.Combine(dir, name) : null, $"/usr/bin/{name}", $"/usr/local/bin/{name}" }
            .FirstOrDefault(p => p is not null && File.Exists(p))
        ?? throw new InvalidOperationException($"{name} not found: install it with `apt-get install victoria-metrics` (tests/run does this) or set SAAS_EXPORTER_VICTORIA_METRICS_BINDIR");

    /// <summary>
    /// The store with replica deduplication at <paramref name="dedupInterval"/> (the scrape interval, as
    /// docker-compose.yml's ha profile sets it). Samples become visible to queries a second after they arrive (30 s by
    /// default), so a test sees what was just written.
    /// </summary>
    public static Task<VictoriaMetricsServer> StartStoreAsync(TimeSpan dedupInterval)
    {
        var root = Directory.CreateTempSubdirectory("saas-exporter-victoria-metrics-").FullName;
        var listen = $"127.0.0.1:{LoopbackPort.Free()}";
        return LaunchAsync("victoria-metrics", root, listen,
        [
            $"-storageDataPath={Path.Combine(root, "data")}",
            $"-httpListenAddr={listen}",
            "-retentionPeriod=100y",
            $"-dedup.minScrapeInterval={dedupInterval.TotalSeconds}s",
            "-search.latencyOffset=1s",
            "-search.disableCache",
            "-loggerLevel=ERROR",
        ]);
    }

    /// <summary>
    /// vmalert, the store's own rule engine, evaluating <paramref name="ruleFiles"/> every second over
    /// <paramref name="datasource"/> and writing the results to the store at <paramref name="remoteWrite"/> (vmalert
    /// appends /api/v1/write itself).
    /// </summary>
    public static Task<VictoriaMetricsServer> StartRuleEngineAsync(IReadOnlyList<string> ruleFiles, Uri datasource, Uri remoteWrite)
    {
        var root = Directory.CreateTempSubdirectory("saas-exporter-vmalert-").FullName;
        var listen = $"127.0.0.1:{LoopbackPort.Free()}";
        return LaunchAsync("vmalert", root, listen,
        [
            .. ruleFiles.Select(f => $"-rule={f}"),
            $"-datasource.url={datasource}",
            $"-remoteWrite.url={remoteWrite}",
            "-remoteWrite.flushInterval=1s",
            "-evaluationInterval=1s",
            $"-httpListenAddr={listen}",
            "-loggerLevel=ERROR",
        ]);
    }

    /// <summary>
    /// The timestamps of every raw sample the store holds for the series matching <paramref name="match"/> between
    /// two instants (/api/v1/export, one JSON line per series), in time order per series.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<DateTimeOffset>>> SampleTimesAsync(string match, DateTimeOffset from, DateTimeOffset to)
    {
        var query = $"api/v1/export?match[]={Uri.EscapeDataString(match)}&start={from.ToUnixTimeSeconds()}&end={to.ToUnixTimeSeconds()}";
        var body = await Client.GetStringAsync(new Uri(query, UriKind.Relative));
        return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var series = System.Text.Json.JsonDocument.Parse(line);
            return (IReadOnlyList<DateTimeOffset>)[.. series.RootElement.GetProperty("timestamps").EnumerateArray()
                .Select(t => DateTimeOffset.FromUnixTimeMilliseconds(t.GetInt64())).Order()];
        })];
    }

    private static async Task<VictoriaMetricsServer> LaunchAsync(string name, string root, string listen, IReadOnlyList<string> arguments)
    {
        var server = new VictoriaMetricsServer(ServerProcess.Start(new ProcessStartInfo(Binary(name), arguments), root), new Uri($"http://{listen}/"));
        try
        {
            await server.WaitHealthyAsync(name);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private async Task WaitHealthyAsync(string name)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {_process.ExitCode}: {Log}");
            }

            try
            {
                using var response = await Client.GetAsync(new Uri("health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{name} not healthy after 30 s: {Log}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
