using SaasExporter.Demo;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The monitoring stack once for a test collection: its own PostgreSQL cluster seeded like <see cref="SeededDatabase"/>
/// (scale 1, evaluated at its as-of instant), two replicas of the real exporter with the compose stack's settings polling
/// it every few seconds (as README Operations runs them for availability), and the real Prometheus scraping both and
/// evaluating the repository's rules. Every rule and panel is therefore exercised with two replicas: one that sums
/// without dropping the replica shows double. Ready means every enabled collector of both replicas has succeeded at
/// least twice as seen by Prometheus, and the recording rules have produced results.
/// </summary>
public sealed class MonitoringStackFixture : IAsyncLifetime
{
    /// <summary>Seconds between two polls of every collector (the defaults are minutes; a test wants several polls).</summary>
    public const int PollSeconds = 20;

    private static readonly string[] Collectors =
        ["account_health", "acquisition", "activation", "adoption", "engagement", "resurrection", "retention", "revenue", "sessions", "support", "surveys",
         "crm_activity", "crm_deals", "crm_sales_cycle"];

    private PostgresCluster? _cluster;
    public const int Replicas = 2;

    private readonly List<ExporterUnderTest> _exporters = [];
    private PrometheusServer? _prometheus;

    public PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException("fixture not started");

    public ExporterUnderTest Exporter => _exporters.Count > 0 ? _exporters[0] : throw new InvalidOperationException("fixture not started");

    /// <summary>The exporter replicas, each a target of the saas-exporter job.</summary>
    public IReadOnlyList<ExporterUnderTest> Exporters => _exporters;

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

        for (var i = 0; i < Replicas; i++)
        {
            var exporter = await ExporterUnderTest.StartAsync(connectionString, settings);
            _exporters.Add(exporter);
            await exporter.WaitReadyAsync();
        }

        _prometheus = await PrometheusServer.StartAsync([.. _exporters.Select(e => e.Client.BaseAddress!)]);

        var limit = TimeSpan.FromMinutes(3);
        await _prometheus.WaitForDataAsync("count(saas_exporter_collector_up == 1)", limit, v => v >= Collectors.Length * Replicas);
        await _prometheus.WaitForDataAsync(
            "count(increase(saas_exporter_collector_runs_total{result=\"success\"}[5m]) > 0)", limit, v => v >= Collectors.Length * Replicas);
        await _prometheus.WaitForDataAsync("saas:arr", limit);
        await _prometheus.WaitForDataAsync("saas:cohort_retention:ratio", limit);
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        foreach (var exporter in _exporters)
        {
            await exporter.DisposeAsync();
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
