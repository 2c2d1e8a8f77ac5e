using SaasExporter.Events.Engagement;
using SaasExporter.Events.Sessions;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

[Collection(CollectorPollCollection.Name)]
public sealed class SessionCollectorTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    [Fact]
    public async Task Sessions_SplitOnGapsOfThirtyMinutesAndInterpolateQuantiles()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "sessions");
        await db.Account(1);
        await db.User(1, 1);
        await db.User(2, 1);
        await db.User(3, 1, isInternal: true);

        // u1: t0, t0 again, t0+10m, t0+29m59s form one session of 1799 s; t0+59m59s follows a gap of exactly 30 min
        // and starts a second session, which t0+60m joins (1 s). now - 7d + 1s is a third, single-event session;
        // exactly now - 7d lies outside the window.
        var t0 = Now.AddDays(-2);
        await db.Event(1, t0);
        await db.Event(1, t0);
        await db.Event(1, t0.AddMinutes(10));
        await db.Event(1, t0.AddSeconds(1799));
        await db.Event(1, t0.AddSeconds(3599));
        await db.Event(1, t0.AddSeconds(3600));
        await db.Event(1, Now.AddDays(-7).AddSeconds(1));
        await db.Event(1, Now.AddDays(-7));

        // u2: one event (0 s); its excluded notification 10 minutes later must not stretch the session.
        await db.Event(2, Now.AddHours(-1));
        await db.Event(2, Now.AddMinutes(-50), name: "notification_sent", feature: null);
        // u3 is internal; its long session must not count.
        await db.Event(3, Now.AddHours(-3));
        await db.Event(3, Now.AddHours(-2).AddMinutes(-31));

        var metrics = await CollectorPoll.PollAsync(db.ConnectionString, new Dictionary<string, string?>
        {
            ["AsOf"] = Iso(Now),
            ["ExcludedEvents:0"] = "notification_sent",
        }, SessionDefinition.Descriptor.Name);

        // Sessions per user: [1, 3] -> p50 = 2, p90 = 1 + 0.9 * 2 = 2.8.
        Assert.Equal(2, metrics.Value("saas_sessions_per_user", ("window", "7d"), ("quantile", "0.5")), 9);
        Assert.Equal(2.8, metrics.Value("saas_sessions_per_user", ("window", "7d"), ("quantile", "0.9")), 9);
        // Durations: [0, 0, 1, 1799] -> p50 = 0.5, p90 at rank 2.7 = 1 + 0.7 * 1798 = 1259.6.
        Assert.Equal(0.5, metrics.Value("saas_session_duration_seconds", ("window", "7d"), ("quantile", "0.5")), 9);
        Assert.Equal(1259.6, metrics.Value("saas_session_duration_seconds", ("window", "7d"), ("quantile", "0.9")), 9);
    }

    [Fact]
    public async Task Sessions_WithoutEventsInTheWindow_AreAbsentNotZero()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "sessions_empty");
        await db.Account(1);
        await db.User(1, 1);
        await db.Event(1, Now.AddDays(-8));

        var metrics = await CollectorPoll.PollAsync(db.ConnectionString, new Dictionary<string, string?> { ["AsOf"] = Iso(Now) },
            SessionDefinition.Descriptor.Name, EngagementDefinition.Descriptor.Name);

        Assert.Empty(metrics.Family("saas_sessions_per_user"));
        Assert.Empty(metrics.Family("saas_session_duration_seconds"));
        Assert.Equal(0, metrics.Value("saas_active_users", ("entity", "user"), ("window", "7d")));
    }
}
