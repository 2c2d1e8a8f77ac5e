using SaasExporter.Collectors;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

/// <summary>
/// The account health model over hand-built customers whose component scores are worked out by hand below (default
/// weights 40/20/20/20, green from 70, yellow from 40, 20 target days, slow after 24 h, penalties 15 and 25).
/// </summary>
[Collection(CollectorPollCollection.Name)]
public sealed class AccountHealthCollectorTests(PostgresFixture postgres, ClassDataset dataset) : IClassFixture<ClassDataset>
{
    private static readonly DateTimeOffset Now = Utc("2026-06-30T12:00:00Z");

    private async Task<HandBuiltDatabase> BuildAsync()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "health");
        async Task ActiveOn(long user, int days)
        {
            for (var k = 0; k < days; k++)
            {
                await db.Event(user, Now.AddDays(-k).AddHours(-1));
            }
        }

        // A: 2 users, one active on 20 days: usage 100 * (0.5 * 0.5 + 0.5 * 1) = 75; no tickets: support 100; latest NPS
        // 10: sentiment 100; MRR 100 then and now: billing 100. Score (3000 + 2000 + 2000 + 2000) / 100 = 90: green, 100.
        await db.Account(1);
        await db.User(10, 1);
        await db.User(11, 1);
        await ActiveOn(10, 20);
        await db.Subscription(1, 1, 100, Now.AddDays(-200));
        await db.Survey(10, 1, "nps", 10, Now.AddDays(-5));

        // B: 1 user active on 5 days: usage 100 * (0.5 + 0.5 * 0.25) = 62.5. One open ticket answered in 1 h, one slow
        // ticket (30 h) resolved: support 100 - 15 - 25 = 60. NPS 8 then 3 within 90 d (and a 9 before): the latest, 3,
        // is a detractor: 0. MRR 100 -> 50: billing 50. Score (2500 + 1200 + 0 + 1000) / 100 = 47: yellow, 50.
        await db.Account(2);
        await db.User(20, 2);
        await ActiveOn(20, 5);
        await db.Subscription(2, 2, 100, Now.AddDays(-200), Now.AddDays(-30));
        await db.Subscription(2, 2, 50, Now.AddDays(-30));
        await db.Ticket(1, 2, Now.AddDays(-2), Now.AddDays(-2).AddHours(1));
        await db.Ticket(2, 2, Now.AddDays(-10), Now.AddDays(-10).AddHours(30), Now.AddDays(-8));
        await db.Survey(20, 2, "nps", 9, Now.AddDays(-100));
        await db.Survey(20, 2, "nps", 8, Now.AddDays(-20));
        await db.Survey(20, 2, "nps", 3, Now.AddDays(-10));

        // C: no activity: usage 0; support 100; no NPS: 50; paid MRR ends in 30 days with nothing after: billing 0.
        // Score (0 + 2000 + 1000 + 0) / 100 = 30: red, 80.
        await db.Account(3);
        await db.User(30, 3);
        await db.Subscription(3, 3, 80, Now.AddDays(-200), Now.AddDays(30));

        // G: new customer (MRR 40 from 10 days ago: billing 100); user 70 active on 10 days, the internal user 71 counts
        // nowhere: usage 100 * (0.5 * 1 + 0.5 * 0.5) = 75. One ticket unanswered for 72 h: open and slow, support 60.
        // NPS: 7 (passive, 50); the internal user's 10 and an out-of-range 11 are ignored.
        // Score (3000 + 1200 + 1000 + 2000) / 100 = 72: green, 40.
        await db.Account(7);
        await db.User(70, 7);
        await db.User(71, 7, isInternal: true);
        await ActiveOn(70, 10);
        await ActiveOn(71, 30);
        await db.Subscription(7, 7, 40, Now.AddDays(-10));
        await db.Ticket(3, 7, Now.AddDays(-3));
        await db.Survey(70, 7, "nps", 7, Now.AddDays(-4));
        await db.Survey(71, 7, "nps", 10, Now.AddDays(-2));
        await db.Survey(70, 7, "nps", 11, Now.AddDays(-1));

        // Not customers: an internal account with MRR, a trial-only account, an account whose MRR ended.
        await db.Account(4, isInternal: true);
        await db.Subscription(4, 4, 500, Now.AddDays(-50));
        await db.Account(5);
        await db.Subscription(5, 5, 30, Now.AddDays(-5), trial: true);
        await db.Account(6);
        await db.Subscription(6, 6, 30, Now.AddDays(-50), Now.AddDays(-1));
        return db;
    }

    private static async Task<Exposition> PollAsync(HandBuiltDatabase db, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["AsOf"] = Iso(Now) };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return await CollectorPoll.PollAsync(db.ConnectionString, settings, AccountHealthDefinition.Descriptor.Name);
    }

    private static (double Green, double Yellow, double Red) Bands(Exposition metrics, string family) =>
        (metrics.Value(family, ("band", "green")), metrics.Value(family, ("band", "yellow")), metrics.Value(family, ("band", "red")));

    [Fact]
    public async Task Customers_AreBandedByTheDefaultModel()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        Assert.Equal((2, 1, 1), Bands(metrics, "saas_account_health_accounts"));
        Assert.Equal((140, 50, 80), Bands(metrics, "saas_account_health_mrr"));
        Assert.Equal(0, metrics.Value("saas_exporter_collector_degraded", ("collector", "account_health")));
    }

    [Fact]
    public async Task Thresholds_AreConfigurable()
    {
        // Green from 95 and yellow from 50: A (90) and G (72) turn yellow, B (47) turns red.
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync), new()
        {
            ["AccountHealth:GreenMin"] = "95",
            ["AccountHealth:YellowMin"] = "50",
        });

        Assert.Equal((0, 2, 2), Bands(metrics, "saas_account_health_accounts"));
        Assert.Equal((0, 140, 130), Bands(metrics, "saas_account_health_mrr"));
    }

    [Fact]
    public async Task Weights_AreConfigurable()
    {
        // Billing only: A 100, B 50, C 0, G 100.
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync), new()
        {
            ["AccountHealth:UsageWeight"] = "0",
            ["AccountHealth:SupportWeight"] = "0",
            ["AccountHealth:SentimentWeight"] = "0",
            ["AccountHealth:BillingWeight"] = "1",
        });

        Assert.Equal((2, 1, 1), Bands(metrics, "saas_account_health_accounts"));
        Assert.Equal((140, 50, 80), Bands(metrics, "saas_account_health_mrr"));
    }

    [Fact]
    public async Task NoCustomers_GivesZeroInEveryBand()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "health_empty");

        var metrics = await PollAsync(db);

        Assert.Equal((0, 0, 0), Bands(metrics, "saas_account_health_accounts"));
        Assert.Equal((0, 0, 0), Bands(metrics, "saas_account_health_mrr"));
    }
}
