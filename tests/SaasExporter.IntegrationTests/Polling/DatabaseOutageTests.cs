using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Polling;

/// <summary>
/// The exporter against a PostgreSQL server that this test stops and starts (its own cluster, so no other test is
/// disturbed): /metrics keeps answering with the last values, the collectors go down, and everything recovers
/// without a restart.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseOutageTests
{
    private static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    private static Dictionary<string, string?> FastPolls() => new()
    {
        ["AsOf"] = Iso(Now),
        ["Collectors:engagement:Interval"] = "00:00:01",
        ["Collectors:engagement:Timeout"] = "00:00:01",
        ["Collectors:sessions:Interval"] = "00:00:01",
        ["Collectors:sessions:Timeout"] = "00:00:01",
        ["Collectors:activation:Interval"] = "00:00:01",
        ["Collectors:activation:Timeout"] = "00:00:01",
    };

    private static async Task<HandBuiltDatabase> SmallDatasetAsync(PostgresCluster cluster)
    {
        var db = new HandBuiltDatabase(await cluster.CreateDatabaseAsync("outage"));
        await using (var connection = new Npgsql.NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await SaasExporter.Demo.DemoSchema.ApplyAsync(connection, "public", CancellationToken.None);
        }

        await db.Account(1);
        await db.User(1, 1, Now.AddDays(-3));
        await db.User(2, 1, Now.AddDays(-2));
        await db.Event(1, Now.AddHours(-1));
        await db.Event(2, Now.AddDays(-2));
        return db;
    }

    [Fact]
    public async Task DatabaseStopped_KeepsLastValuesMarksCollectorsDownAndRecoversByItself()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var db = await SmallDatasetAsync(cluster);
        await using var exporter = await ExporterUnderTest.StartAsync(db.ConnectionString, FastPolls());
        await exporter.WaitReadyAsync();
        var before = await exporter.ScrapeAsync();
        Assert.Equal(2, before.Value("saas_active_users", ("entity", "user"), ("window", "7d")));

        await cluster.StopServerAsync();
        var down = await exporter.ScrapeUntilAsync(
            m => m.Get("saas_exporter_collector_up", ("collector", "engagement")) == 0 && m.Get("saas_exporter_database_up") == 0,
            TimeSpan.FromSeconds(30));

        Assert.Equal(0, down.Value("saas_exporter_collector_up", ("collector", "engagement")));
        Assert.Equal(0, down.Value("saas_exporter_database_up"));
        // The last good values stay, unchanged, with their success timestamp: never zeros, never gaps.
        Assert.Equal(2, down.Value("saas_active_users", ("entity", "user"), ("window", "7d")));
        Assert.Equal(before.Value("saas_signups", ("window", "7d")), down.Value("saas_signups", ("window", "7d")));
        Assert.True(down.Value("saas_exporter_collector_runs_total", ("collector", "engagement"), ("result", "failure")) >= 1);
        Assert.Equal(
            (await exporter.ScrapeAsync()).Value("saas_exporter_collector_last_success_timestamp_seconds", ("collector", "engagement")),
            down.Value("saas_exporter_collector_last_success_timestamp_seconds", ("collector", "engagement")));

        await cluster.StartServerAsync();
        var recovered = await exporter.ScrapeUntilAsync(
            m => m.Get("saas_exporter_collector_up", ("collector", "engagement")) == 1 && m.Get("saas_exporter_database_up") == 1,
            TimeSpan.FromSeconds(90));

        Assert.Equal(1, recovered.Value("saas_exporter_collector_up", ("collector", "engagement")));
        Assert.Equal(1, recovered.Value("saas_exporter_database_up"));
        Assert.True(recovered.Value("saas_exporter_collector_last_success_timestamp_seconds", ("collector", "engagement"))
            > down.Value("saas_exporter_collector_last_success_timestamp_seconds", ("collector", "engagement")));
    }

    [Fact]
    public async Task DatabaseDownAtStart_ServesSelfMetricsAndBecomesReadyWhenItComesUp()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var db = await SmallDatasetAsync(cluster);
        await cluster.StopServerAsync();

        await using var exporter = await ExporterUnderTest.StartAsync(db.ConnectionString, FastPolls());
        var down = await exporter.ScrapeUntilAsync(m => m.Get("saas_exporter_database_up") == 0, TimeSpan.FromSeconds(30));
        using (var readiness = await exporter.Client.GetAsync(new Uri("/readyz", UriKind.Relative)))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        }

        Assert.Equal(0, down.Value("saas_exporter_database_up"));
        Assert.Equal(1, down.Value("saas_exporter_collector_enabled", ("collector", "engagement")));
        Assert.Empty(down.Family("saas_active_users"));

        await cluster.StartServerAsync();
        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(2, (await exporter.ScrapeAsync()).Value("saas_active_users", ("entity", "user"), ("window", "7d")));
    }
}
