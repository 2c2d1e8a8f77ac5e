using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The real Prometheus (Debian package prometheus) on a free loopback port with a temporary TSDB, scraping the
/// exporter under test with the repository's rules (<see cref="PrometheusTestConfig"/>). Only the process it started
/// is ever stopped, and its temporary directory is deleted on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly ServerProcess _process;

    private PrometheusServer(ServerProcess process, Uri address)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Api = new PromQlApi(Client);
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static string BinaryPath =>
        new[] { Environment.GetEnvironmentVariable("SAAS_EXPORTER_PROMETHEUS"), "/usr/bin/prometheus", "/usr/local/bin/prometheus" }
            .FirstOrDefault(p => p is not null && File.Exists(p))
        ?? throw new InvalidOperationException("prometheus not found: install it with `apt-get install prometheus` (tests/run does this) or set SAAS_EXPORTER_PROMETHEUS");

    /// <summary>Starts Prometheus scraping the exporter at <paramref name="exporterAddress"/> and waits until it is ready.</summary>
    public static Task<PrometheusServer> StartAsync(Uri exporterAddress, Uri? alertmanager = null, Func<string, string, string>? rewriteRules = null) =>
        StartAsync([exporterAddress], alertmanager, rewriteRules);

    /// <summary>Starts Prometheus scraping every exporter replica of <paramref name="exporters"/> in the saas-exporter job.</summary>
    public static Task<PrometheusServer> StartAsync(IReadOnlyList<Uri> exporters, Uri? alertmanager = null, Func<string, string, string>? rewriteRules = null) =>
        StartAsync(exporters, alertmanager, rewriteRules, blocks: null);

    /// <summary>
    /// Starts Prometheus with the TSDB blocks under <paramref name="blocks"/> (promtool's output) already in its data
    /// directory, as a user installs backfilled history.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyList<Uri> exporters, Uri? alertmanager, Func<string, string, string>? rewriteRules, string? blocks)
    {
        _ = BinaryPath;
        var root = Directory.CreateTempSubdirectory("saas-exporter-prometheus-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        foreach (var block in blocks is null ? [] : Directory.GetDirectories(blocks))
        {
            CopyDirectory(block, Path.Combine(data, Path.GetFileName(block)));
        }

        var listen = $"127.0.0.1:{LoopbackPort.Free()}";
        var rulesCopy = Directory.CreateDirectory(Path.Combine(root, "rules")).FullName;
        var config = PrometheusTestConfig.Generate([.. exporters.Select(e => e.Authority)], listen,
            alertmanagerTarget: alertmanager?.Authority, rewriteRules: rewriteRules, rulesCopy: rulesCopy);
        return await LaunchAsync(root, listen, config, [], new Dictionary<string, string>());
    }

    /// <summary>
    /// Starts one replica of the HA pair from the shipped prometheus/prometheus-ha.yml, as docker-compose.yml's
    /// <c>ha</c> profile runs it: its <c>replica</c> external label from PROMETHEUS_REPLICA (with the feature flag
    /// compose passes), remote write to <paramref name="store"/> and alerts to every Alertmanager of the cluster.
    /// </summary>
    public static async Task<PrometheusServer> StartReplicaAsync(string replica, IReadOnlyList<Uri> exporters, IReadOnlyList<Uri> alertmanagers,
        Uri store, Func<string, string, string>? rewriteRules = null)
    {
        _ = BinaryPath;
        var root = Directory.CreateTempSubdirectory("saas-exporter-prometheus-").FullName;
        var listen = $"127.0.0.1:{LoopbackPort.Free()}";
        var rulesCopy = Directory.CreateDirectory(Path.Combine(root, "rules")).FullName;
        var config = PrometheusTestConfig.GenerateReplica([.. exporters.Select(e => e.Authority)], listen,
            [.. alertmanagers.Select(a => a.Authority)], new Uri(store, "api/v1/write"), rewriteRules, rulesCopy);
        return await LaunchAsync(root, listen, config, ["--enable-feature=expand-external-labels"],
            new Dictionary<string, string> { ["PROMETHEUS_REPLICA"] = replica });
    }

    /// <summary>
    /// Starts Prometheus with the configuration <paramref name="configFor"/> writes for the loopback address it will
    /// listen on (a test's own scrape jobs, several products, say).
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(Func<string, string> configFor)
    {
        _ = BinaryPath;
        var root = Directory.CreateTempSubdirectory("saas-exporter-prometheus-").FullName;
        var listen = $"127.0.0.1:{LoopbackPort.Free()}";
        return await LaunchAsync(root, listen, configFor(listen), [], new Dictionary<string, string>());
    }

    /// <summary>
    /// Prometheus serving only the TSDB blocks under <paramref name="blocks"/> (promtool's output): it scrapes nothing and
    /// evaluates no rules (slo replay computes what the rules would).
    /// </summary>
    public static async Task<PrometheusServer> StartBlocksOnlyAsync(string blocks)
    {
        _ = BinaryPath;
        var root = Directory.CreateTempSubdirectory("saas-exporter-prometheus-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        foreach (var block in Directory.GetDirectories(blocks))
        {
            CopyDirectory(block, Path.Combine(data, Path.GetFileName(block)));
        }

        return await LaunchAsync(root, $"127.0.0.1:{LoopbackPort.Free()}", "global:\n  evaluation_interval: 5m\n", [], new Dictionary<string, string>());
    }

    private static async Task<PrometheusServer> LaunchAsync(string root, string listen, string configText, IReadOnlyList<string> flags,
        IReadOnlyDictionary<string, string> environment)
    {
        var config = Path.Combine(root, "prometheus.yml");
        await File.WriteAllTextAsync(config, configText);
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        var start = new ProcessStartInfo(BinaryPath,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={data}",
            $"--web.listen-address={listen}",
            // History of any age: time-based retention (15 days by default) counts back from the newest block, so
            // backfilled blocks older than that would be deleted at start-up.
            "--storage.tsdb.retention.time=100y",
            "--log.level=warn",
            // An alert that fires before Alertmanager is discovered is sent again only after this delay (1 min by
            // default): the Watchdog, firing at the first evaluation, would miss a test's window.
            "--rules.alert.resend-delay=2s",
            .. flags,
        ]);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var server = new PrometheusServer(ServerProcess.Start(start, root), new Uri($"http://{listen}/"));
        try
        {
            await server.WaitReadyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>What Prometheus logged so far (warnings and errors: rule evaluation failures show up here).</summary>
    public string Log => _process.Log;

    /// <summary>Polls /-/ready until Prometheus answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with code {_process.ExitCode}: {Log}");
            }

            try
            {
                using var response = await Client.GetAsync(new Uri("-/ready", UriKind.Relative));
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

        throw new TimeoutException($"prometheus not ready after {timeout}: {Log}");
    }

    /// <summary>The query API of this server.</summary>
    public PromQlApi Api { get; }

    /// <summary>Runs an instant query through /api/v1/query (see <see cref="PromQlApi.QueryAsync"/>).</summary>
    public Task<JsonElement> QueryAsync(string promql) => Api.QueryAsync(promql);

    /// <summary>The numeric values of an instant query's result (a vector's samples or a scalar), NaN included.</summary>
    public Task<IReadOnlyList<double>> ValuesAsync(string promql) => Api.ValuesAsync(promql);

    /// <summary>Polls a query until it returns at least one number (not NaN) satisfying the condition.</summary>
    public async Task<IReadOnlyList<double>> WaitForDataAsync(string promql, TimeSpan timeout, Func<double, bool>? condition = null)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<double> values = [];
        while (clock.Elapsed < timeout)
        {
            values = await ValuesAsync(promql);
            if (values.Any(v => !double.IsNaN(v) && (condition?.Invoke(v) ?? true)))
            {
                return values;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"`{promql}` still returned [{string.Join(", ", values)}] after {timeout}; prometheus log: {Log}");
    }

    /// <summary>Runs a range query through /api/v1/query_range: each series' labels and its points in time order.</summary>
    public Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset At, double Value)> Points)>> RangeAsync(
        string promql, DateTimeOffset start, DateTimeOffset end, TimeSpan step) => Api.RangeAsync(promql, start, end, step);

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    public static IReadOnlyList<double> Values(JsonElement data) => PromQlApi.Values(data);

    /// <summary>Kills this Prometheus (a replica lost); its directory stays until dispose.</summary>
    public Task StopAsync() => _process.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}

/// <summary>A PromQL query that Prometheus rejected (parse or execution error).</summary>
public sealed class PrometheusQueryException(string query, string error) : Exception($"`{query}` failed: {error}")
{
    public string Query { get; } = query;

    public string Error { get; } = error;
}
