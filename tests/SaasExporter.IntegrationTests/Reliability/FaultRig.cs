using Dapper;
using Npgsql;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Reliability;

/// <summary>
/// One fault scenario's world: its own PostgreSQL cluster (so stopping or starving it disturbs no other test), the
/// small dataset, a <see cref="TcpProxy"/> between the exporter and the server, and the exporter polling every second
/// with a connection pool as in production.
/// </summary>
internal sealed class FaultRig : IAsyncDisposable
{
    /// <summary>The collectors polled every second; the others poll once at start, on their default schedule.</summary>
    public static readonly string[] FastCollectors = ["engagement", "sessions", "activation"];

    private readonly string _directory;

    private FaultRig(PostgresCluster cluster, HandBuiltDatabase database, TcpProxy proxy, ExporterUnderTest exporter, string directory)
    {
        Cluster = cluster;
        Database = database;
        Proxy = proxy;
        Exporter = exporter;
        _directory = directory;
    }

    public PostgresCluster Cluster { get; }

    /// <summary>The database, reached directly (not through the proxy): for the test's own queries.</summary>
    public HandBuiltDatabase Database { get; }

    public TcpProxy Proxy { get; }

    public ExporterUnderTest Exporter { get; }

    /// <param name="name">The database name.</param>
    /// <param name="customCollectors">A custom collector file (YAML), if the scenario needs one.</param>
    /// <param name="serverSettings">Extra PostgreSQL settings (name=value).</param>
    /// <param name="startCut">Start with the proxy cut: the database is unreachable from the exporter's first poll.</param>
    public static async Task<FaultRig> StartAsync(string name, string? customCollectors = null, string[]? serverSettings = null,
        bool startCut = false)
    {
        var directory = Directory.CreateTempSubdirectory("saas-fault-").FullName;
        // The rig owns what it starts and disposes it; a failed start disposes it in the catch below.
#pragma warning disable CA2000
        var cluster = await PostgresCluster.StartAsync(serverSettings ?? []);
        TcpProxy? proxy = null;
        try
        {
            var database = await SmallProductDataset.CreateAsync(cluster, name);
            proxy = TcpProxy.Start(cluster.Port, startCut);
            var settings = new Dictionary<string, string?> { ["AsOf"] = Iso(SmallProductDataset.Now) };
            foreach (var collector in FastCollectors)
            {
                settings[$"Collectors:{collector}:Interval"] = "00:00:01";
                settings[$"Collectors:{collector}:Timeout"] = "00:00:01";
            }

            if (customCollectors is not null)
            {
                var file = Path.Combine(directory, "custom.yml");
                await File.WriteAllTextAsync(file, customCollectors);
                settings["CustomCollectorsFile"] = file;
            }

            // Pooled, as the exporter runs in production: faults must also be survived by connections idle in the pool.
            var connectionString = new NpgsqlConnectionStringBuilder(proxy.Route(database.ConnectionString)) { Pooling = true }.ConnectionString;
            return new FaultRig(cluster, database, proxy, await ExporterUnderTest.StartAsync(connectionString, settings), directory);
#pragma warning restore CA2000
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for readiness and returns the healthy business series, the baseline every later scrape must match.</summary>
    public async Task<Dictionary<string, double>> BaselineAsync()
    {
        await Exporter.WaitReadyAsync();
        var healthy = await Exporter.ScrapeAsync();
        Assert.Equal(2, healthy.Value("saas_active_users", ("entity", "user"), ("window", "7d")));
        Assert.Equal(1, healthy.Value("saas_active_users", ("entity", "user"), ("window", "1d")));
        return SmallProductDataset.BusinessSeries(healthy);
    }

    /// <summary>Every collector up and the database up.</summary>
    public static bool AllUp(Exposition m) =>
        m.Get("saas_exporter_database_up") == 1 && m.Family("saas_exporter_collector_up").Values.All(v => v == 1)
        && m.Family("saas_exporter_collector_up").Count > 0;

    /// <summary>The fast collectors seen down, with the database.</summary>
    public static bool FastDown(Exposition m) =>
        m.Get("saas_exporter_database_up") == 0 && FastCollectors.All(c => m.Get("saas_exporter_collector_up", ("collector", c)) == 0);

    /// <summary>Terminates every backend of the exporter (application_name saas-exporter); returns how many.</summary>
    public async Task<int> TerminateExporterBackendsAsync(NpgsqlConnection connection) =>
        await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'saas-exporter'");

    public async ValueTask DisposeAsync()
    {
        await Exporter.DisposeAsync();
        await Proxy.DisposeAsync();
        await Cluster.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
