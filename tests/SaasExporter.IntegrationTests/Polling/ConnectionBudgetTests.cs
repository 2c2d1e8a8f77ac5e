using Npgsql;
using SaasExporter.IntegrationTests.Hosting;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Polling;

namespace SaasExporter.IntegrationTests.Polling;

/// <summary>
/// Issue 23 item 6: with the incremental source a poll holds its connection while it waits for the activity index load,
/// which needs another one. A pool of 1 deadlocked (and the exhaustion read as an outage: database_up 0, breaker open);
/// a pool as small as the concurrent polls did the same.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConnectionBudgetTests(PostgresFixture postgres)
{
    [Fact]
    public async Task IncrementalSourceWithAPoolOfOne_IsRefusedAtStart_WithOneLineNamingTheKey()
    {
        var result = await ExporterProcess.RunAsync(
            ["check", "--Database:ConnectionString=Host=127.0.0.1;Port=1", "--EventMetrics:Source=incremental", "--Database:MaxPoolSize=1"]);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal(
            "saas-exporter: config: Database:MaxPoolSize = 1: must be at least 2 with EventMetrics:Source = incremental (a poll holds a connection while the activity index loads on another)",
            Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task IncrementalSourceWithAPoolOfTwoAndTwoConcurrentPolls_EveryCollectorComesUp()
    {
        var database = await ShippedDemo.DatabaseAsync(postgres);
        var pooled = new NpgsqlConnectionStringBuilder(database) { Pooling = true }.ConnectionString;
        await using var exporter = await ExporterUnderTest.StartAsync(pooled, new Dictionary<string, string?>
        {
            ["EventMetrics:Source"] = "incremental",
            ["Database:MaxPoolSize"] = "2",
            ["Database:MaxConcurrentPolls"] = "2",
        });

        await exporter.WaitReadyAsync(TimeSpan.FromSeconds(120));
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(1, metrics.Value("saas_exporter_database_up"));
        Assert.All(metrics.Family("saas_exporter_collector_up"), up => Assert.Equal(1, up.Value));
    }

    [Fact]
    public async Task ExhaustedConnectionPool_IsNotADatabaseOutage_NorRetried()
    {
        var database = await postgres.CreateDatabaseAsync("pool_exhausted");
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database) { Pooling = true, MaxPoolSize = 1, Timeout = 1 }.ConnectionString);
        await using var held = await source.OpenConnectionAsync();

        var exhausted = await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await source.OpenConnectionAsync());

        Assert.True(DatabaseFailures.IsPoolExhausted(exhausted), exhausted.ToString());
        Assert.False(DatabaseFailures.IsUnreachable(exhausted));
        Assert.False(DatabaseFailures.IsTransient(exhausted));
    }
}
