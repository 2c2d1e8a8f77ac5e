using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.IntegrationTests.Oracle;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

/// <summary>
/// Every revenue and acquisition series served on /metrics for the seeded scale-1 database (trials, conversions,
/// upgrades, downgrades, churn and reactivations) equals a plain C# computation of its definition over the same rows.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RevenueOracleTests(PostgresFixture postgres)
{
    public static TheoryData<string> Evaluations => new()
    {
        // The end of the generated history.
        "2026-11-05T00:00:00Z",
        // Mid-history, at a time of day: the spend window straddles two monthly rows.
        "2026-09-17T06:00:00Z",
    };

    [Theory]
    [MemberData(nameof(Evaluations))]
    public async Task ServedRevenueMetrics_EqualTheOracle(string asOf)
    {
        var (connectionString, served) = await SeededEvaluation.ScrapeAsync(postgres, new Dictionary<string, string?>
        {
            ["AsOf"] = asOf,
            ["Collectors:revenue:Interval"] = "01:00:00",
            ["Collectors:acquisition:Interval"] = "01:00:00",
        });
        var oracle = await RevenueReference.LoadAsync(connectionString, Utc(asOf));

        var mrr = oracle.Mrr();
        Assert.Equal(
            mrr.Keys.Select(k => Exposition.Key("saas_mrr", ("plan", k.Plan), ("billing_interval", k.Interval))).Order(StringComparer.Ordinal),
            served.Family("saas_mrr").Keys.Order(StringComparer.Ordinal));
        foreach (var ((plan, interval), amount) in mrr)
        {
            AssertAmount(amount, served.Value("saas_mrr", ("plan", plan), ("billing_interval", interval)));
        }

        AssertCounts(oracle.Customers(), served, "saas_customers");
        AssertCounts(oracle.CustomersWindowStart(), served, "saas_customers_window_start", ("window", "30d"));
        AssertCounts(oracle.ChurnedCustomers(), served, "saas_churned_customers", ("window", "30d"));
        AssertAmount(oracle.MrrWindowStart(), served.Value("saas_mrr_window_start", ("window", "30d")));

        var movements = oracle.Movements();
        Assert.Equal(movements.Count, served.Family("saas_mrr_movement").Count);
        Assert.Equal(movements.Count, served.Family("saas_mrr_movement_customers").Count);
        foreach (var (movement, (amount, accounts)) in movements)
        {
            AssertAmount(amount, served.Value("saas_mrr_movement", ("movement", movement), ("window", "30d")));
            Assert.Equal(accounts, served.Value("saas_mrr_movement_customers", ("movement", movement), ("window", "30d")));
        }

        var (start, current, capped) = oracle.NrrCohort();
        AssertAmount(start, served.Value("saas_nrr_cohort_mrr", ("kind", "start"), ("horizon", "365d")));
        AssertAmount(current, served.Value("saas_nrr_cohort_mrr", ("kind", "current"), ("horizon", "365d")));
        AssertAmount(capped, served.Value("saas_nrr_cohort_mrr", ("kind", "current_capped"), ("horizon", "365d")));

        var (converted, canceled) = oracle.TrialsEnded();
        Assert.Equal(converted, served.Value("saas_trials_ended", ("outcome", "converted"), ("window", "30d")));
        Assert.Equal(canceled, served.Value("saas_trials_ended", ("outcome", "canceled"), ("window", "30d")));

        Assert.Equal(oracle.NewCustomers(90), served.Value("saas_new_customers", ("window", "90d")));
        AssertAmount(oracle.MarketingSpend(90), served.Value("saas_marketing_spend", ("window", "90d")));

        foreach (var (reason, count) in oracle.SubscriptionRejections)
        {
            Assert.Equal(count, served.Value("saas_exporter_rows_rejected_total", ("relation", "subscriptions"), ("reason", reason)));
        }

        Assert.Equal(oracle.SpendRejections, served.Value("saas_exporter_rows_rejected_total", ("relation", "marketing_spend"), ("reason", "invalid_period")));

        // The dataset must exercise the definitions, not just agree on zeros.
        Assert.True(oracle.Customers().Values.Sum() > 500, "the seeded dataset should have a realistic customer base");
        Assert.All(new[] { "new", "expansion", "churn" }, m => Assert.True(movements[m].Accounts > 0, $"no {m} movement at {asOf}"));
        Assert.True(converted > 0 && canceled > 0, "trials should both convert and cancel");
        Assert.True(oracle.MarketingSpend(90) > 0);

        await Promtool.CheckMetricsAsync(served.Text);
    }

    private static void AssertCounts(Dictionary<string, int> expected, Exposition served, string name, params (string Name, string Value)[] labels)
    {
        Assert.Equal(expected.Count, served.Family(name).Count);
        foreach (var (interval, count) in expected)
        {
            Assert.Equal(count, served.Value(name, [.. labels, ("billing_interval", interval)]));
        }
    }

    /// <summary>Amounts are exact decimals on both sides; the exposition carries them as doubles.</summary>
    private static void AssertAmount(decimal expected, double actual)
    {
        var want = (double)expected;
        Assert.True(Math.Abs(want - actual) <= 1e-9 * Math.Max(1, Math.Abs(want)),
            string.Create(CultureInfo.InvariantCulture, $"expected {expected} but /metrics served {actual}"));
    }
}
