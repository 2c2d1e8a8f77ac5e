using SaasExporter.Collectors;
using SaasExporter.Events.Engagement;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

[Collection(CollectorPollCollection.Name)]
public sealed class AcquisitionCollectorTests(PostgresFixture postgres)
{
    // Mid-afternoon: the spend window is the 90 UTC dates ending with 2026-06-30, that is [2026-04-02, 2026-06-30]
    // (29 dates of April, 31 of May, 30 of June); the new-customer window is (2026-04-01T15:00Z, 2026-06-30T15:00Z].
    private static readonly DateTimeOffset Now = Utc("2026-06-30T15:00:00Z");
    private static readonly DateTimeOffset January = Utc("2026-01-01T00:00:00Z");

    private static Dictionary<string, string?> Settings() => new()
    {
        ["AsOf"] = Iso(Now),
        ["Collectors:revenue:Interval"] = "01:00:00",
        ["Collectors:acquisition:Interval"] = "01:00:00",
    };

    /// <summary>Revenue and acquisition both read subscriptions: polled together, as the host polls them.</summary>
    private static Task<Exposition> PollAsync(HandBuiltDatabase db) =>
        CollectorPoll.PollAsync(db.ConnectionString, Settings(), RevenueCollector.Descriptor.Name, AcquisitionCollector.Descriptor.Name);

    /// <summary>With the engagement collector, which reads no optional relation, to show it unaffected.</summary>
    private static Task<Exposition> PollWithEngagementAsync(HandBuiltDatabase db) => CollectorPoll.PollAsync(db.ConnectionString, Settings(),
        EngagementDefinition.Descriptor.Name, RevenueCollector.Descriptor.Name, AcquisitionCollector.Descriptor.Name);

    [Fact]
    public async Task NewCustomers_CountAccountsWhoseFirstPaidRowStartedInTheWindow()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "acquisition");
        for (long account = 1; account <= 10; account++)
        {
            await db.Account(account, isInternal: account == 6);
        }

        var windowStart = Now.AddDays(-90);
        await db.Subscription(1, 1, 50, Utc("2026-05-01T00:00:00Z"), Utc("2026-05-15T00:00:00Z"), trial: true);
        await db.Subscription(1, 1, 50, Utc("2026-05-15T00:00:00Z"));                  // a1 new (after a trial)
        await db.Subscription(2, 2, 30, windowStart);                                   // a2 exactly at the start: outside
        await db.Subscription(3, 3, 30, windowStart.AddSeconds(1));                     // a3 new
        await db.Subscription(4, 4, 20, Utc("2025-12-01T00:00:00Z"), January);            // a4 paid before: a comeback, not new
        await db.Subscription(5, 4, 20, Utc("2026-05-01T00:00:00Z"));
        await db.Subscription(6, 5, 0, January, Utc("2026-05-01T00:00:00Z"), plan: "free"); // a5 free first, paid since May 1: new
        await db.Subscription(6, 5, 20, Utc("2026-05-01T00:00:00Z"));
        await db.Subscription(7, 6, 30, Utc("2026-05-01T00:00:00Z"));                  // a6 internal
        await db.Subscription(8, 7, 30, Now);                                            // a7 exactly now: new
        await db.Subscription(9, 8, 30, Now.AddHours(1));                                // a8 after now
        await db.Subscription(10, 9, -10, January);                                        // rejected (negative_mrr): ignored
        await db.Subscription(11, 9, 30, Utc("2026-06-01T00:00:00Z"));                  // a9 new
        await db.Subscription(12, 10, 30, Utc("2026-05-01T00:00:00Z"), Utc("2026-05-15T00:00:00Z"), trial: true); // a10 trial only

        var metrics = await PollAsync(db);

        Assert.Equal(5, metrics.Value("saas_new_customers", ("window", "90d")));  // a1 a3 a5 a7 a9
        // The revenue collector alone reports subscription rejections, so the bad row is counted once, not twice.
        Assert.Equal(1, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "subscriptions"), ("reason", "negative_mrr")));
        Assert.Equal(0, metrics.Value("saas_marketing_spend", ("window", "90d")));
    }

    [Fact]
    public async Task MarketingSpend_IsProRatedByCalendarDatesInsideTheWindow()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "spend");
        await db.Spend("2026-03-01", "2026-03-31", 3100);   // before the window: 0
        await db.Spend("2026-04-01", "2026-04-30", 3000);   // straddles the window start: 29 of 30 dates = 2900
        await db.Spend("2026-05-01", "2026-05-31", 3100);   // inside: 3100
        await db.Spend("2026-06-01", "2026-06-30", 1500);   // inside, ends today: 1500
        await db.Spend("2026-07-01", "2026-07-31", 9999);   // after: 0
        await db.Spend("2026-04-01", "2026-04-01", 100);    // the date before the window: 0
        await db.Spend("2026-06-30", "2026-06-30", 7);      // today only: 7
        await db.Spend("2026-06-21", "2026-07-10", 200);    // straddles the window end: 10 of 20 dates = 100
        await db.Spend("2026-06-10", "2026-06-01", 500);    // period_end < period_start: rejected

        var metrics = await PollAsync(db);

        // 2900 + 3100 + 1500 + 7 + 100
        Assert.Equal(7607, metrics.Value("saas_marketing_spend", ("window", "90d")), 6);
        Assert.Equal(1, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "marketing_spend"), ("reason", "invalid_period")));
        Assert.Equal(0, metrics.Value("saas_new_customers", ("window", "90d")));
    }

    [Fact]
    public async Task WithoutMarketingSpend_OnlyAcquisitionIsDisabled()
    {
        var db = await BuildActiveAsync("no_spend");
        await db.Sql("DROP TABLE marketing_spend");
        await db.Subscription(1, 1, 50, Utc("2026-06-01T00:00:00Z"));

        var metrics = await PollWithEngagementAsync(db);

        Assert.Equal(1, metrics.Value("saas_active_users", ("entity", "user"), ("window", "1d")));
        Assert.Equal(0, metrics.Value("saas_exporter_collector_enabled", ("collector", "acquisition")));
        Assert.Equal(1, metrics.Value("saas_exporter_collector_enabled", ("collector", "revenue")));
        Assert.Equal(50, metrics.Value("saas_mrr", ("plan", "pro"), ("billing_interval", "month")));
        Assert.Empty(metrics.Family("saas_marketing_spend"));
    }

    [Fact]
    public async Task WithoutSubscriptions_RevenueAndAcquisitionAreDisabled()
    {
        var db = await BuildActiveAsync("no_subscriptions");
        await db.Sql("DROP TABLE subscriptions");

        var metrics = await PollWithEngagementAsync(db);

        Assert.Equal(1, metrics.Value("saas_active_users", ("entity", "user"), ("window", "1d")));
        Assert.Equal(0, metrics.Value("saas_exporter_collector_enabled", ("collector", "revenue")));
        Assert.Equal(0, metrics.Value("saas_exporter_collector_enabled", ("collector", "acquisition")));
        Assert.Empty(metrics.Family("saas_customers"));
        Assert.Empty(metrics.Family("saas_new_customers"));
    }

    private async Task<HandBuiltDatabase> BuildActiveAsync(string prefix)
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, prefix);
        await db.Account(1);
        await db.User(1, 1);
        await db.Event(1, Now.AddHours(-1));
        return db;
    }
}
