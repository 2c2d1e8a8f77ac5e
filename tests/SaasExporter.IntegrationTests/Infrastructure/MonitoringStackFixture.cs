using SaasExporter.Demo;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The monitoring stack once for a test collection: its own PostgreSQL cluster seeded like <see cref="SeededDatabase"/>
/// (scale 1, evaluated at its as-of instant), the real exporter polling it every few seconds, and the real
/// Prometheus scraping the exporter and evaluating the repository's rules. Ready means every enabled collector has
/// succeeded at least twice as seen by Prometheus, and the recording rules have produced results.
/// </summary>
public sealed class MonitoringStackFixture : IAsyncLifetime
{
    /// <summary>Seconds between two polls of every collector (the defaults are minutes; a test wants several polls).</summary>
    public const int PollSeconds = 20;

    private static readonly string[] Collectors =
        ["account_health", "acquisition", "activation", "adoption", "engagement", "resurrection", "retention", "revenue", "sessions", "support", "surveys",
         "crm_activity", "crm_deals", "crm_sales_cycle"];

    private PostgresCluster? _cluster;
    private ExporterUnderTest? _exporter;
    private PrometheusServer? _prometheus;

    public PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException("fixture not started");

    public ExporterUnderTest Exporter => _exporter ?? throw new InvalidOperationException("fixture not started");

    public async Task InitializeAsync()
    {
        // Fail fast, before seeding, when the binary is missing.
        _ = PrometheusServer.BinaryPath;
        _cluster = await PostgresCluster.StartAsync();
        var connectionString = await _cluster.CreateDatabaseAsync("stack");
        await SeededDatabase.SeedAsync(connectionString, "public",
            new DemoParameters(SeededDatabase.Scale, SeededDatabase.Seed, SeededDatabase.AsOf, 180));

        var settings = new Dictionary<string, string?>
        {
            ["AsOf"] = Instants.Iso(SeededDatabase.AsOf),
            ["ExcludedEvents:0"] = "notification_sent",
            ["CustomCollectorsFile"] = Repository.PathOf("exporter", "crm-collectors.yml"),
        };
        foreach (var collector in Collectors)
        {
            settings[$"Collectors:{collector}:Interval"] = TimeSpan.FromSeconds(PollSeconds).ToString();
            settings[$"Collectors:{collector}:Timeout"] = TimeSpan.FromSeconds(PollSeconds).ToString();
        }

        _exporter = await ExporterUnderTest.StartAsync(connectionString, settings);
        await _exporter.WaitReadyAsync();
        _prometheus = await PrometheusServer.StartAsync(_exporter.Client.BaseAddress!);

        var limit = TimeSpan.FromMinutes(3);
        await _prometheus.WaitForDataAsync("count(saas_exporter_collector_up == 1)", limit, v => v >= Collectors.Length);
        await _prometheus.WaitForDataAsync(
            "count(increase(saas_exporter_collector_runs_total{result=\"success\"}[5m]) > 0)", limit, v => v >= Collectors.Length);
        await _prometheus.WaitForDataAsync("saas:arr", limit);
        await _prometheus.WaitForDataAsync("saas:cohort_retention:ratio", limit);
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        if (_exporter is not null)
        {
            await _exporter.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MonitoringStackCollection : ICollectionFixture<MonitoringStackFixture>
{
    public const string Name = "monitoring-stack";
}
