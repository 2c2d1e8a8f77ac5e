using SaasExporter.Collectors;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

[Collection(CollectorPollCollection.Name)]
public sealed class RevenueCollectorTests(PostgresFixture postgres, ClassDataset dataset) : IClassFixture<ClassDataset>
{
    private static readonly DateTimeOffset Now = Utc("2026-06-30T00:00:00Z");
    private static readonly DateTimeOffset WindowStart = Now.AddDays(-30);   // 2026-05-31T00:00Z
    private static readonly DateTimeOffset Horizon = Now.AddDays(-365);      // 2025-06-30T00:00Z
    private static readonly DateTimeOffset Jan = Utc("2026-01-01T00:00:00Z");

    private static DateTimeOffset June(int day) => Utc($"2026-06-{day:00}T00:00:00Z");

    /// <summary>
    /// One account per situation; m0 = MRR at the window start, m1 = MRR at now. Expected values are written where the
    /// rows are. Subscription rows are (subscription, account, mrr, valid_from, valid_to, plan, interval, trial).
    /// </summary>
    private async Task<HandBuiltDatabase> BuildAsync()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "revenue");
        foreach (var account in new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25 })
        {
            await db.Account(account);
        }

        await db.Account(19, isInternal: true);

        // a1 steady: m0 = m1 = 50 (pro/month). No movement.
        await db.Subscription(1, 1, 50, Jan);
        await db.Subscription(1, 1, 50, Utc("2026-03-01T00:00:00Z"));             // overlaps the open row above: overlapping_state
        await db.Subscription(2, 1, -10, Jan);                                    // negative_mrr
        // a2 expansion: 30 (starter) until June 15, then 60 (pro): m0 30, m1 60, expansion 30.
        await db.Subscription(3, 2, 30, Jan, June(15), plan: "starter");
        await db.Subscription(3, 2, 60, June(15));
        await db.Subscription(4, 2, 999, June(10), June(1));                     // valid_to < valid_from: invalid_period
        await db.Subscription(5, 2, 999, June(10), June(10));                    // valid_to = valid_from: invalid_period
        // a3 contraction: 80 (business) until June 20, then 50 (starter): contraction 30.
        await db.Subscription(6, 3, 80, Jan, June(20), plan: "business");
        await db.Subscription(6, 3, 50, June(20), plan: "starter");
        await db.Subscription(6, 3, 77, June(25), June(28), plan: "business"); // inside the open row: overlapping_state
        await db.Subscription(7, 3, -5, June(10), June(1));                      // both broken: counted once, as negative_mrr
        // a4 churn, yearly billing: 40 until June 10: m0 40, m1 0, churn 40; a churned "year" customer.
        await db.Subscription(8, 4, 40, Utc("2026-02-01T00:00:00Z"), June(10), interval: "year");
        // a5 new after a trial (the trial's mrr never counts): m0 0, m1 70, never paid before: new 70. Trial converted.
        await db.Subscription(9, 5, 70, June(1), June(15), trial: true);
        await db.Subscription(9, 5, 70, June(15));
        // a6 reactivation: paid until May 1 (before the window), nothing at the window start, a new subscription since
        // June 5: reactivation 25.
        await db.Subscription(10, 6, 25, Jan, Utc("2026-05-01T00:00:00Z"), plan: "starter");
        await db.Subscription(11, 6, 25, June(5), plan: "starter");
        // a7 churns and comes back inside the window at the same price: m0 = m1 = 20, no movement, not churned.
        await db.Subscription(12, 7, 20, Jan, June(5), plan: "starter");
        await db.Subscription(13, 7, 20, June(12), plan: "starter");
        // a8 churns and comes back higher inside the window: m0 10, m1 15: expansion 5.
        await db.Subscription(14, 8, 10, Jan, June(5), plan: "starter");
        await db.Subscription(15, 8, 15, June(12), plan: "starter");
        // a9 upgrade from pro monthly to business yearly (same subscription, new row): m0 79 (month), m1 165.83 (year):
        // expansion 86.83.
        await db.Subscription(16, 9, 79, Jan, June(20));
        await db.Subscription(16, 9, 165.83m, June(20), plan: "business", interval: "year");
        // a10 two subscriptions of 30 each, monthly and yearly: 60 at both instants; the tie on the largest row makes its
        // billing interval "month" (alphabetical).
        await db.Subscription(17, 10, 30, Jan);
        await db.Subscription(18, 10, 30, Jan, plan: "addon", interval: "year");
        // a11 valid_to exactly now: not current at now. m0 35, m1 0: churn 35; a churned "month" customer.
        await db.Subscription(19, 11, 35, Jan, Now);
        // a12 valid_from exactly at the window start: current then. m0 = m1 = 12.
        await db.Subscription(20, 12, 12, WindowStart, plan: "starter");
        // a13 valid_to exactly at the window start: not current then. m0 = m1 = 0.
        await db.Subscription(21, 13, 18, Jan, WindowStart, plan: "starter");
        // a14 trial ended June 15, nothing after: canceled.
        await db.Subscription(22, 14, 29, June(1), June(15), plan: "starter", trial: true);
        // a15 trial still running: not ended.
        await db.Subscription(23, 15, 79, June(20), trial: true);
        // a16 trial ended exactly at the window start: outside the window.
        await db.Subscription(24, 16, 79, Utc("2026-05-17T00:00:00Z"), WindowStart, trial: true);
        // a17 trial ended exactly now, paid from exactly now (valid_from = now counts as current): converted; new 29.
        await db.Subscription(25, 17, 29, June(16), Now, plan: "starter", trial: true);
        await db.Subscription(25, 17, 29, Now, plan: "starter");
        // a18 trial ended June 24, next state starts after now: canceled, and not a customer.
        await db.Subscription(26, 18, 79, June(10), June(24), trial: true);
        await db.Subscription(26, 18, 79, Utc("2026-07-01T00:00:00Z"));
        // a19 internal: MRR 500 and an ended trial, excluded from everything.
        await db.Subscription(27, 19, 500, Jan, plan: "business");
        await db.Subscription(28, 19, 79, June(1), June(15), trial: true);
        // The 365-day cohort (customers at now - 365d): a21 from exactly then, 100 -> 100; a22 60 -> 90 (business since
        // January); a23 40 -> 0 (churned in March). a24 ended exactly then: not in the cohort.
        await db.Subscription(29, 21, 100, Horizon, plan: "business");
        await db.Subscription(30, 22, 60, Utc("2025-01-01T00:00:00Z"), Jan);
        await db.Subscription(30, 22, 90, Jan, plan: "business");
        await db.Subscription(31, 23, 40, Utc("2025-01-01T00:00:00Z"), Utc("2026-03-01T00:00:00Z"));
        await db.Subscription(32, 24, 15, Utc("2025-01-01T00:00:00Z"), Horizon);
        // a25 a free plan (mrr 0): a series of its own at 0, not a customer.
        await db.Subscription(33, 25, 0, Jan, plan: "free");
        return db;
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["AsOf"] = Iso(Now),
        // One poll in the life of the test, so the rejection counter holds exactly one poll's rows.
        ["Collectors:revenue:Interval"] = "01:00:00",
        ["Collectors:revenue:Timeout"] = "00:00:30",
    };

    private static Task<Exposition> PollAsync(HandBuiltDatabase db, Dictionary<string, string?>? more = null) =>
        CollectorPoll.PollAsync(db.ConnectionString, new Dictionary<string, string?>(Settings().Concat(more ?? [])), RevenueCollector.Descriptor.Name);

    [Fact]
    public async Task Mrr_ListedPlans_AreLabelsOfTheirOwn()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync), new()
        {
            ["Plans:0"] = "pro", ["Plans:1"] = "addon", ["Plans:2"] = "free",
        });

        Assert.Equal(210, metrics.Value("saas_mrr", ("plan", "pro"), ("billing_interval", "month")), 6);
        Assert.Equal(30, metrics.Value("saas_mrr", ("plan", "addon"), ("billing_interval", "year")), 6);            // a10
        Assert.Equal(0, metrics.Value("saas_mrr", ("plan", "free"), ("billing_interval", "month")));                // a25
        Assert.Equal(151 + 190, metrics.Value("saas_mrr", ("plan", "other"), ("billing_interval", "month")), 6);    // starter + business
        Assert.Equal(165.83, metrics.Value("saas_mrr", ("plan", "other"), ("billing_interval", "year")), 6);        // a9 business
        Assert.Equal(5, metrics.Family("saas_mrr").Count);
        Assert.Equal(746.83, metrics.Family("saas_mrr").Values.Sum(), 6);
    }

    /// <summary>
    /// Thirty plans, an interval outside the list and a NULL plan (possible through a view) give a handful of series
    /// whose sum is still the total, and customers by interval still count every customer once.
    /// </summary>
    [Fact]
    public async Task UnlistedAndNullValues_CountAsOtherAndUnknown_AndSumToTheTotal()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "bounded");
        await db.Sql("ALTER TABLE subscriptions ALTER COLUMN plan DROP NOT NULL");
        for (var account = 1; account <= 33; account++)
        {
            await db.Account(account);
        }

        for (var account = 1; account <= 30; account++)
        {
            await db.Subscription(account, account, 10, Jan, plan: $"plan-{account}");
        }

        await db.Subscription(31, 31, 45, Jan, plan: "pro", interval: "quarter");
        await db.Subscription(32, 32, 7, Jan);
        await db.Sql("UPDATE subscriptions SET plan = NULL WHERE subscription_id = 32");
        await db.Subscription(33, 33, 100, Jan, plan: "business", interval: "year");

        var metrics = await PollAsync(db);

        Assert.Equal(300, metrics.Value("saas_mrr", ("plan", "other"), ("billing_interval", "month")), 6);
        Assert.Equal(45, metrics.Value("saas_mrr", ("plan", "pro"), ("billing_interval", "other")), 6);
        Assert.Equal(7, metrics.Value("saas_mrr", ("plan", "unknown"), ("billing_interval", "month")), 6);
        Assert.Equal(100, metrics.Value("saas_mrr", ("plan", "business"), ("billing_interval", "year")), 6);
        Assert.Equal(4, metrics.Family("saas_mrr").Count);
        Assert.Equal(452, metrics.Family("saas_mrr").Values.Sum(), 6);
        Assert.Equal(31, metrics.Value("saas_customers", ("billing_interval", "month")));
        Assert.Equal(1, metrics.Value("saas_customers", ("billing_interval", "year")));
        Assert.Equal(1, metrics.Value("saas_customers", ("billing_interval", "other")));
        Assert.Equal(3, metrics.Family("saas_customers").Count);
    }

    [Fact]
    public async Task Mrr_And_Customers_AtNowAndAtTheWindowStart()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        // Current paid rows of non-internal accounts at now, by (plan, interval):
        Assert.Equal(210, metrics.Value("saas_mrr", ("plan", "pro"), ("billing_interval", "month")), 6);          // a1 50 + a2 60 + a5 70 + a10 30
        Assert.Equal(151, metrics.Value("saas_mrr", ("plan", "starter"), ("billing_interval", "month")), 6);      // a3 50 + a6 25 + a7 20 + a8 15 + a12 12 + a17 29
        Assert.Equal(190, metrics.Value("saas_mrr", ("plan", "business"), ("billing_interval", "month")), 6);     // a21 100 + a22 90
        Assert.Equal(165.83, metrics.Value("saas_mrr", ("plan", "business"), ("billing_interval", "year")), 6);   // a9
        // addon and free are not in the default Plans (the demo's starter, pro, business): they count as other.
        Assert.Equal(30, metrics.Value("saas_mrr", ("plan", "other"), ("billing_interval", "year")), 6);          // a10 addon
        Assert.Equal(0, metrics.Value("saas_mrr", ("plan", "other"), ("billing_interval", "month")));             // a25 free
        Assert.Equal(6, metrics.Family("saas_mrr").Count);

        // Customers now: a1 a2 a3 a5 a6 a7 a8 a10 a12 a17 a21 a22 monthly; a9 yearly.
        Assert.Equal(12, metrics.Value("saas_customers", ("billing_interval", "month")));
        Assert.Equal(1, metrics.Value("saas_customers", ("billing_interval", "year")));

        // At the window start: a1 50 + a2 30 + a3 80 + a4 40 + a7 20 + a8 10 + a9 79 + a10 60 + a11 35 + a12 12
        // + a21 100 + a22 90 = 606; customers a1 a2 a3 a7 a8 a9 a10 a11 a12 a21 a22 monthly, a4 yearly.
        Assert.Equal(606, metrics.Value("saas_mrr_window_start", ("window", "30d")), 6);
        Assert.Equal(11, metrics.Value("saas_customers_window_start", ("window", "30d"), ("billing_interval", "month")));
        Assert.Equal(1, metrics.Value("saas_customers_window_start", ("window", "30d"), ("billing_interval", "year")));

        // Churned: a4 (yearly then) and a11 (monthly); a7 came back, so it is not churned.
        Assert.Equal(1, metrics.Value("saas_churned_customers", ("window", "30d"), ("billing_interval", "month")));
        Assert.Equal(1, metrics.Value("saas_churned_customers", ("window", "30d"), ("billing_interval", "year")));
    }

    [Fact]
    public async Task Movements_ClassifyEachAccount_AndReconcileExactly()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));
        double Amount(string movement) => metrics.Value("saas_mrr_movement", ("movement", movement), ("window", "30d"));
        double Accounts(string movement) => metrics.Value("saas_mrr_movement_customers", ("movement", movement), ("window", "30d"));

        Assert.Equal(99, Amount("new"), 6);                 // a5 70 + a17 29
        Assert.Equal(121.83, Amount("expansion"), 6);       // a2 30 + a8 5 + a9 86.83
        Assert.Equal(25, Amount("reactivation"), 6);        // a6
        Assert.Equal(30, Amount("contraction"), 6);         // a3
        Assert.Equal(75, Amount("churn"), 6);               // a4 40 + a11 35
        Assert.Equal(2, Accounts("new"));
        Assert.Equal(3, Accounts("expansion"));
        Assert.Equal(1, Accounts("reactivation"));
        Assert.Equal(1, Accounts("contraction"));
        Assert.Equal(2, Accounts("churn"));

        // sum(saas_mrr) 746.83 - start 606 = 140.83 = 99 + 121.83 + 25 - 30 - 75.
        var total = metrics.Family("saas_mrr").Values.Sum();
        Assert.Equal(746.83, total, 6);
        Assert.Equal(total - metrics.Value("saas_mrr_window_start", ("window", "30d")),
            Amount("new") + Amount("expansion") + Amount("reactivation") - Amount("contraction") - Amount("churn"), 6);
        Assert.Equal(0, metrics.Get("saas_exporter_identity_violations_total", ("collector", "revenue"), ("identity", "mrr_movements")) ?? 0);
        Assert.Equal(1, metrics.Value("saas_exporter_collector_up", ("collector", "revenue")));
    }

    [Fact]
    public async Task NrrCohort_SumsThenNowAndCapped_OverCustomersOf365DaysAgo()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        Assert.Equal(200, metrics.Value("saas_nrr_cohort_mrr", ("kind", "start"), ("horizon", "365d")), 6);           // a21 100 + a22 60 + a23 40
        Assert.Equal(190, metrics.Value("saas_nrr_cohort_mrr", ("kind", "current"), ("horizon", "365d")), 6);         // 100 + 90 + 0
        Assert.Equal(160, metrics.Value("saas_nrr_cohort_mrr", ("kind", "current_capped"), ("horizon", "365d")), 6);  // 100 + 60 + 0
    }

    [Fact]
    public async Task TrialsEnded_ConvertedWhenTheNextStateIsPaidByNow()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        Assert.Equal(2, metrics.Value("saas_trials_ended", ("outcome", "converted"), ("window", "30d")));  // a5, a17
        Assert.Equal(2, metrics.Value("saas_trials_ended", ("outcome", "canceled"), ("window", "30d")));   // a14, a18
    }

    [Fact]
    public async Task RejectedRows_AreSkippedAndCountedOncePerPoll()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        Assert.Equal(2, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "subscriptions"), ("reason", "negative_mrr")));
        Assert.Equal(2, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "subscriptions"), ("reason", "invalid_period")));
        Assert.Equal(2, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "subscriptions"), ("reason", "overlapping_state")));
    }

    /// <summary>
    /// ChartMogul's worked example (help.chartmogul.com, "Metric: MRR Churn Rate"): 100 of MRR at the start, 10 churned,
    /// 10 contracted, 10 expanded. Gross MRR churn = (churn + contraction) / start = 20 / 100 = 20%; net MRR churn =
    /// (churn + contraction - expansion) / start = 10 / 100 = 10%.
    /// </summary>
    [Fact]
    public async Task ChartMogulWorkedExample_GivesTheMovementsOfTheRatios()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "chartmogul");
        foreach (var account in new long[] { 1, 2, 3, 4 })
        {
            await db.Account(account);
        }

        await db.Subscription(1, 1, 40, Jan);                     // 40 -> 40
        await db.Subscription(2, 2, 30, Jan, June(10));           // 30 -> 40: expansion 10
        await db.Subscription(2, 2, 40, June(10));
        await db.Subscription(3, 3, 20, Jan, June(10));           // 20 -> 10: contraction 10
        await db.Subscription(3, 3, 10, June(10));
        await db.Subscription(4, 4, 10, Jan, June(10));           // 10 -> 0: churn 10

        var metrics = await PollAsync(db);
        double Amount(string movement) => metrics.Value("saas_mrr_movement", ("movement", movement), ("window", "30d"));

        Assert.Equal(100, metrics.Value("saas_mrr_window_start", ("window", "30d")));
        Assert.Equal(90, metrics.Family("saas_mrr").Values.Sum());
        Assert.Equal(10, Amount("churn"));
        Assert.Equal(10, Amount("contraction"));
        Assert.Equal(10, Amount("expansion"));
        Assert.Equal(0, Amount("new"));
        Assert.Equal(0, Amount("reactivation"));
        Assert.Equal(0.2, (Amount("churn") + Amount("contraction")) / 100, 9);
        Assert.Equal(0.1, (Amount("churn") + Amount("contraction") - Amount("expansion")) / 100, 9);
    }
}
