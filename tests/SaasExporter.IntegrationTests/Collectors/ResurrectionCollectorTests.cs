using SaasExporter.Events.Resurrection;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

[Collection(CollectorPollCollection.Name)]
public sealed class ResurrectionCollectorTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    [Fact]
    public async Task Resurrection_CountsUsersDormantAtWindowStartAndThoseBackInTheWindow()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "resurrection");
        await db.Account(1);
        for (var user = 1; user <= 7; user++)
        {
            await db.User(user, 1, isInternal: user == 7);
        }

        await db.Event(1, Now.AddDays(-61));                 // dormant, back 10 days ago: resurrected
        await db.Event(1, Now.AddDays(-10));
        await db.Event(2, Now.AddDays(-61));                 // dormant, still away
        await db.Event(3, Now.AddDays(-61));                 // active in (now-60d, now-30d]: not dormant
        await db.Event(3, Now.AddDays(-45));
        await db.Event(4, Now.AddDays(-60));                 // exactly now-60d counts as before; exactly now-30d
        await db.Event(4, Now.AddDays(-30));                 // lies in (now-60d, now-30d]: not dormant
        await db.Event(5, Now.AddDays(-60));                 // dormant; now-30d + 1s is in the window: resurrected
        await db.Event(5, Now.AddDays(-30).AddSeconds(1));
        await db.Event(6, Now.AddDays(-100), name: "notification_sent", feature: null); // no qualifying past
        await db.Event(6, Now.AddDays(-5));
        await db.Event(7, Now.AddDays(-61));                 // internal
        await db.Event(7, Now.AddDays(-1));

        var metrics = await CollectorPoll.PollAsync(db.ConnectionString,
            new Dictionary<string, string?> { ["AsOf"] = Iso(Now), ["ExcludedEvents:0"] = "notification_sent" }, ResurrectionDefinition.Descriptor.Name);

        Assert.Equal(3, metrics.Value("saas_dormant_users_window_start", ("window", "30d"))); // u1 u2 u5
        Assert.Equal(2, metrics.Value("saas_resurrected_users", ("window", "30d")));          // u1 u5
    }
}
