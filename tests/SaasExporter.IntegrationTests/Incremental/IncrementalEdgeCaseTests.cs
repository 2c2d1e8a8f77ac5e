using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>
/// Hand-built rows on every boundary the definitions have (window edges to the microsecond, events at and after now,
/// calendar-day edges in a zone with daylight saving time, gaps of exactly the dormancy window, excluded names,
/// unknown platforms and features, internal users and accounts, retention offsets, session gaps, usage windows): the
/// index serves what SQL serves, and account health's index source reads the same inputs for every customer.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IncrementalEdgeCaseTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = Utc("2026-11-02T04:30:00Z"); // 23:30 on 1 November in New York

    [Fact]
    public async Task HandBuiltEdgeCases_IndexServesTheSqlValuesPollByPoll()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "incremental_edges");
        await db.Account(1);
        await db.Account(2, isInternal: true);
        var micro = TimeSpan.FromTicks(10);
        var user = 0;

        async Task<long> UserWith(params DateTimeOffset[] events)
        {
            user++;
            await db.User(user, 1, createdAt: Now.AddDays(-200));
            foreach (var at in events)
            {
                await db.Event(user, at);
            }

            return user;
        }

        // Rolling window edges: exactly now - W is outside, a microsecond later is inside; now is inside, later is not.
        foreach (var days in new[] { 1, 7, 30, 60 })
        {
            await UserWith(Now.AddDays(-days));
            await UserWith(Now.AddDays(-days) + micro);
        }

        await UserWith(Now);
        await UserWith(Now + micro, Now.AddDays(3));

        // Dormancy: gaps of exactly 30 days, of 30 days and a microsecond, and straddling both window edges.
        await UserWith(Now.AddDays(-60), Now.AddDays(-30));
        await UserWith(Now.AddDays(-60), Now.AddDays(-30) + micro);
        await UserWith(Now.AddDays(-60) - micro, Now.AddDays(-30) + micro);
        await UserWith(Now.AddDays(-400), Now.AddDays(-2));
        await UserWith(Now.AddDays(-400), Now.AddDays(-95), Now.AddDays(-64), Now.AddDays(-29));
        await UserWith(Now.AddDays(-120), Now.AddDays(-61), Now.AddDays(-59), Now.AddDays(-1));
        await UserWith(Now.AddDays(-70), Now.AddDays(-69));

        // Calendar days in New York around the end of daylight saving time (1 November 2026, 06:00 UTC).
        await UserWith(Utc("2026-11-01T03:59:59.999999Z"), Utc("2026-11-01T04:00:00Z"), Utc("2026-11-01T05:30:00Z"), Utc("2026-11-01T06:30:00Z"));
        await UserWith([.. Enumerable.Range(0, 30).Select(d => Now.AddDays(-d).AddMinutes(-1))]);
        await UserWith([.. Enumerable.Range(0, 20).Select(d => Now.AddDays(-2 * d))]);

        // Platforms and features: unknown values and NULLs count as activity but never as a platform or feature.
        user++;
        await db.User(user, 1, createdAt: Now.AddDays(-200));
        await db.Event(user, Now.AddDays(-2), platform: "desktop", feature: "billing");
        await db.Event(user, Now.AddDays(-3), platform: "mobile", feature: null);
        await db.Event(user, Now.AddDays(-8), platform: "api", feature: "email");
        await db.Event(user, Now.AddDays(-9), feature: "deals");
        await db.Event(user, Now.AddDays(-10), feature: "reports");
        await db.Event(user, Now.AddDays(-11), feature: "contacts");
        user++;
        await db.User(user, 1, createdAt: Now.AddDays(-200));
        await db.Sql($"INSERT INTO events (user_id, occurred_at, name, feature, platform) VALUES ({user}, '{Iso(Now.AddHours(-2))}', 'deal_viewed', NULL, NULL)");

        // Excluded names never make a user active, nor end a dormancy gap.
        user++;
        await db.User(user, 1, createdAt: Now.AddDays(-200));
        await db.Event(user, Now.AddDays(-90));
        await db.Event(user, Now.AddDays(-45), name: "notification_sent");
        await db.Event(user, Now.AddDays(-1), name: "notification_sent");

        // Internal users and users of internal accounts are never counted.
        user++;
        await db.User(user, 1, createdAt: Now.AddDays(-40), isInternal: true);
        await db.Event(user, Now.AddDays(-1));
        user++;
        await db.User(user, 2, createdAt: Now.AddDays(-40));
        await db.Event(user, Now.AddDays(-1));

        // Retention: signups on each cohort's edges, active exactly on the offset days and just outside them.
        for (var signup = 0; signup < 125; signup += 4)
        {
            user++;
            var d0 = Now.AddDays(-signup).AddHours(-3);
            await db.User(user, 1, createdAt: d0);
            foreach (var offset in new[] { 1, 2, 7, 8, 30, 31, 60, 61, 90, 91 }.Where(o => (user + o) % 3 != 0))
            {
                await db.Event(user, d0.AddDays(offset));
            }
        }

        // Sessions: a gap of exactly SessionGap starts a session, a microsecond less does not; identical instants; the
        // session window's start (now - 7 days is outside, a microsecond later inside) and a session straddling it.
        var gap = TimeSpan.FromMinutes(30);
        await UserWith(Now.AddHours(-5), Now.AddHours(-5) + gap, Now.AddHours(-5) + gap + gap - micro, Now.AddHours(-5) + gap + gap - micro, Now.AddHours(-1));
        await UserWith(Now.AddDays(-7), Now.AddDays(-7) + micro, Now.AddDays(-7).AddMinutes(20), Now.AddDays(-7).AddMinutes(49));
        await UserWith(Now.AddDays(-7).AddMinutes(-10), Now.AddDays(-7).AddMinutes(15), Now.AddDays(-7).AddMinutes(44), Now.AddDays(-6));

        // Account health: customers whose users are active on the usage window's edges (30 days, 30 calendar days in
        // New York), an internal user's activity that must not count, and a customer of an internal account.
        await db.Account(3);
        await db.Account(4, isInternal: true);
        await db.Subscription(1, 1, 300, Now.AddDays(-200));
        await db.Subscription(2, 3, 120, Now.AddDays(-200));
        await db.Subscription(3, 4, 80, Now.AddDays(-200));
        foreach (var (id, account, events) in new (long, long, DateTimeOffset[])[]
        {
            (5001, 3, [Now.AddDays(-30)]), (5002, 3, [Now.AddDays(-30) + micro]), (5003, 3, [Utc("2026-10-03T03:59:59Z"), Utc("2026-10-03T04:00:00Z")]),
            (5004, 3, [.. Enumerable.Range(0, 12).Select(d => Now.AddDays(-2.5 * d))]), (5006, 4, [Now.AddDays(-3)]),
        })
        {
            await db.User(id, account, createdAt: Now.AddDays(-200));
            foreach (var at in events)
            {
                await db.Event(id, at);
            }
        }

        await db.User(5005, 3, createdAt: Now.AddDays(-200), isInternal: true);
        await db.Event(5005, Now.AddDays(-20));

        await using var harness = new DifferentialHarness(db.ConnectionString, o =>
        {
            o.ReportingTimeZone = "America/New_York";
            o.ExcludedEvents = ["notification_sent"];
        });
        foreach (var at in new[] { Now, Now + micro, Now.AddMinutes(30), Now.AddHours(1), Now.AddDays(1), Now.AddDays(1) + micro, Now.AddDays(3), Now.AddDays(8) })
        {
            var served = await harness.AssertSameAsync(at);
            Assert.Contains(served, s => s.StartsWith("saas_session_duration_seconds{", StringComparison.Ordinal));
            await harness.AssertSameAccountHealthInputsAsync(at);
        }
    }
}
