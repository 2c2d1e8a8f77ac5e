using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>
/// Every event family's activity-index source serves exactly what its SQL source serves, poll after poll, on seeded datasets and on hand-built edge cases; late rows inside the lateness allowance are
/// picked up, older ones are missed until the rebuild repairs them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IncrementalDifferentialTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset SeedAsOf = Utc("2026-11-05T00:00:00Z");

    /// <summary>Poll instants: inside the generated history (later rows exist and must not count), across the US end
    /// of daylight saving time, past the end of the data (users fall dormant), with irregular steps.</summary>
    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(47), TimeSpan.FromHours(5.5),
        TimeSpan.FromHours(19), TimeSpan.FromDays(1), TimeSpan.FromDays(3.2), TimeSpan.FromDays(6), TimeSpan.FromDays(9),
    ];

    public static TheoryData<int, double, string, string?> Seeds => new()
    {
        { 11, 0.25, "UTC", null },
        { 12, 0.15, "America/New_York", DemoCatalog.NotificationSent },
        { 13, 0.1, "Asia/Kolkata", "contact_viewed" },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task SeededDataset_IndexServesTheSqlValuesPollByPoll(int seed, double scale, string zone, string? excluded)
    {
        var connectionString = await postgres.CreateDatabaseAsync("differential");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(scale, seed, SeedAsOf, 200));
        await using var harness = new DifferentialHarness(connectionString, o =>
        {
            o.ReportingTimeZone = zone;
            o.ExcludedEvents = excluded is null ? null : [excluded];
        });

        var now = SeedAsOf - TimeSpan.FromDays(12);
        foreach (var step in Steps)
        {
            now += step;
            var served = await harness.AssertSameAsync(now);
            Assert.Contains(served, s => s.StartsWith("saas_active_users{entity=\"user\",window=\"30d\"}", StringComparison.Ordinal) && !s.EndsWith(" 0", StringComparison.Ordinal));
            await harness.AssertSameAccountHealthInputsAsync(now);
            // Inside the generated history there are sessions to compare (past its end the window empties).
            Assert.True(now > SeedAsOf || served.Any(s => s.StartsWith("saas_sessions_per_user{", StringComparison.Ordinal)), $"no sessions at {now:O}");
        }

        Assert.True(harness.SelfMetrics.IndexUsers.Value > 0);
        Assert.Superset(new HashSet<string> { "account_health", "adoption", "engagement", "resurrection", "retention", "sessions" }, RegisteredEventFamilies.All.Select(f => f.Name).ToHashSet());
    }

    /// <summary>
    /// A first load in chunks of a day (about 200 of them) or of an odd span whose edges fall anywhere in a day serves
    /// what the SQL source serves; every chunk is its own statement and session.
    /// </summary>
    [Theory]
    [InlineData(1440)]
    [InlineData(2017)]
    public async Task SeededDataset_LoadedInSmallChunks_IndexServesTheSqlValuesPollByPoll(int chunkMinutes)
    {
        var connectionString = await postgres.CreateDatabaseAsync("chunked");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.1, 14, SeedAsOf, 200));
        await using var harness = new DifferentialHarness(connectionString, o =>
        {
            o.ReportingTimeZone = "America/New_York";
            o.EventMetrics.LoadChunkSpan = TimeSpan.FromMinutes(chunkMinutes);
        });

        var now = SeedAsOf - TimeSpan.FromDays(12);
        foreach (var step in Steps.Take(6))
        {
            now += step;
            await harness.AssertSameAsync(now);
        }

        Assert.Equal(1, harness.SelfMetrics.IndexLoadProgress.Value);
        Assert.True(harness.Store.Status.Chunks > 100, $"{harness.Store.Status.Chunks} chunks");
    }

    [Fact]
    public async Task LateRows_InsideTheAllowanceArePickedUp_OlderOnesWaitForTheRebuild()
    {
        var connectionString = await postgres.CreateDatabaseAsync("late");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.1, 21, SeedAsOf, 150));
        var db = new HandBuiltDatabase(connectionString);
        await db.Account(900_001);
        await db.User(900_001, 900_001, createdAt: SeedAsOf.AddDays(-100));
        await db.User(900_002, 900_001, createdAt: SeedAsOf.AddDays(-100));
        await db.User(900_003, 900_001, createdAt: SeedAsOf.AddDays(-100));
        await db.Event(900_003, SeedAsOf.AddDays(-80));
        await db.Event(900_003, SeedAsOf.AddDays(-3).AddHours(-1));
        await using var harness = new DifferentialHarness(connectionString, o => o.EventMetrics.Lateness = TimeSpan.FromMinutes(10));

        var now = SeedAsOf.AddDays(-3);
        await harness.AssertSameAsync(now);

        // Committed after the poll at `now`: one row 4 minutes before it (inside the allowance), one 20 minutes before.
        await db.Event(900_001, now.AddMinutes(-4), platform: "mobile", feature: "reports");
        await db.Event(900_002, now.AddMinutes(-20), platform: "api", feature: "deals");
        now = now.AddMinutes(1);
        var sql = await harness.SqlAsync(now);
        var indexed = await harness.IndexedAsync(now);
        // SQL sees both late rows; the index sees only the one inside the allowance: each series that user 900002 alone
        // moves is one lower, those of user 900001 are equal.
        foreach (var series in new[]
        {
            "saas_active_users{entity=\"user\",window=\"1d\"}", "saas_active_users{entity=\"user\",window=\"30d\"}",
            "saas_platform_active_users{platform=\"api\",window=\"30d\"}", "saas_feature_active_users{feature=\"deals\",window=\"7d\"}",
        })
        {
            Assert.Equal(DifferentialHarness.Value(sql, series) - 1, DifferentialHarness.Value(indexed, series));
        }

        foreach (var series in new[]
        {
            "saas_active_users{entity=\"account\",window=\"1d\"}", "saas_platform_active_users{platform=\"mobile\",window=\"30d\"}",
            "saas_feature_active_users{feature=\"reports\",window=\"7d\"}", "saas_resurrected_users{window=\"30d\"}",
        })
        {
            Assert.Equal(DifferentialHarness.Value(sql, series), DifferentialHarness.Value(indexed, series));
        }

        await harness.Store.RebuildAsync(now, CancellationToken.None);
        await harness.AssertSameAsync(now);

        // A deleted row (user 900003 was resurrected by it) is also only seen by the next rebuild.
        await db.Sql("DELETE FROM events WHERE user_id = 900003 AND occurred_at > '2026-10-01'");
        now = now.AddMinutes(1);
        Assert.NotEqual(await harness.SqlAsync(now), await harness.IndexedAsync(now));

        await harness.Store.RebuildAsync(now, CancellationToken.None);
        await harness.AssertSameAsync(now);
        await harness.AssertSameAsync(now.AddHours(2));

        // Internal flags are read at every poll: no rebuild needed.
        await db.Sql("UPDATE accounts SET is_internal = true WHERE account_id IN (SELECT account_id FROM accounts ORDER BY account_id LIMIT 3)");
        await db.Sql("UPDATE users SET is_internal = true WHERE user_id IN (SELECT user_id FROM users ORDER BY user_id DESC LIMIT 5)");
        await harness.AssertSameAsync(now.AddHours(3));
    }
}
