using Dapper;
using Npgsql;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Demo;

[Collection(PostgresCollection.Name)]
public sealed class DemoSeedTests(PostgresFixture postgres)
{
    private static readonly DemoParameters Small = new(0.2, 11, Utc("2026-09-01T00:00:00Z"), 120);

    // Row order in a table is not part of the data; the fingerprint sorts by every column.
    private static async Task<Dictionary<string, string>> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var result = new Dictionary<string, string>();
        foreach (var table in DemoSchema.Tables)
        {
            result[table] = await connection.ExecuteScalarAsync<string>(
                $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t") ?? "";
        }

        return result;
    }

    [Fact]
    public async Task Seed_WithTheSameArguments_WritesIdenticalData()
    {
        var first = await postgres.CreateDatabaseAsync("seed_a");
        var second = await postgres.CreateDatabaseAsync("seed_b");
        var other = await postgres.CreateDatabaseAsync("seed_c");

        await SeededDatabase.SeedAsync(first, "public", Small);
        await SeededDatabase.SeedAsync(second, "public", Small);
        await SeededDatabase.SeedAsync(other, "public", Small with { Seed = 12 });

        var a = await FingerprintAsync(first);
        Assert.Equal(a, await FingerprintAsync(second));
        Assert.NotEqual(a["events"], (await FingerprintAsync(other))["events"]);
        Assert.All(a, table => Assert.False(table.Value.StartsWith("0:", StringComparison.Ordinal), $"{table.Key} is empty"));
    }

    [Fact]
    public async Task Seed_AtScaleOne_IsAboutTenThousandUsersAndAMillionEvents()
    {
        var connectionString = await SeededDatabase.GetAsync(postgres);
        await using var connection = new NpgsqlConnection(connectionString);

        var users = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE NOT is_internal");
        var events = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM events");
        var span = await connection.QuerySingleAsync<(DateTime First, DateTime Last)>("SELECT min(occurred_at), max(occurred_at) FROM events");
        var internalAccounts = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM accounts WHERE is_internal");
        var movements = await connection.ExecuteScalarAsync<long>("SELECT count(DISTINCT subscription_id) FILTER (WHERE NOT is_trial) FROM subscriptions");

        Assert.InRange(users, 9_900, 10_100);
        Assert.InRange(events, 800_000, 1_300_000);
        Assert.True(span.Last <= SeededDatabase.AsOf.UtcDateTime, "no event after --as-of");
        Assert.True(span.First >= SeededDatabase.AsOf.UtcDateTime.AddDays(-180), "no event before the history starts");
        Assert.InRange(internalAccounts, 1, 10);
        Assert.True(movements > 500, "paid subscriptions exist");
    }

    [Fact]
    public async Task Seed_IntoADatabaseWithData_RefusesWithoutReplace()
    {
        var connectionString = await postgres.CreateDatabaseAsync("seed_twice");
        string[] args = ["demo", "seed", "--scale", "0.01", "--seed", "3", "--as-of", "2026-09-01T00:00:00Z", "--days", "30", $"--Database:ConnectionString={connectionString}"];

        var first = await ExporterProcess.RunAsync(args);
        var again = await ExporterProcess.RunAsync(args);
        var replaced = await ExporterProcess.RunAsync([.. args, "--replace"]);
        var skipped = await ExporterProcess.RunAsync([.. args, "--if-empty"]);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("seeded schema public: scale 0.01, seed 3", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.StartsWith("saas-exporter: demo: schema public already holds data", again.StderrLines.Single(), StringComparison.Ordinal);
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.True(skipped.ExitCode == 0, skipped.Stderr);
        Assert.Equal("schema public already holds data: nothing to seed (--if-empty)", skipped.StderrLines.Single());
    }
}
