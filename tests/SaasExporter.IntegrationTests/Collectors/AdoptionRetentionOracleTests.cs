using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.IntegrationTests.Oracle;

namespace SaasExporter.IntegrationTests.Collectors;

/// <summary>
/// Adoption, retention, weekly cohorts and resurrection served for the seeded scale-1 database equal a plain C#
/// computation of their definitions over all rows, whole history included.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AdoptionRetentionOracleTests(PostgresFixture postgres)
{
    public static TheoryData<string, string> Evaluations => new()
    {
        { "2026-11-05T00:00:00Z", "UTC" },
        { "2026-10-21T22:30:00Z", "Europe/Berlin" },
    };

    [Theory]
    [MemberData(nameof(Evaluations))]
    public async Task ServedMetrics_EqualTheOracle(string asOf, string zone)
    {
        var (served, oracle) = await SeededEvaluation.RunAsync(postgres, asOf, zone);

        var features = new HashSet<string> { "contacts", "deals", "email", "reports" };
        foreach (var feature in features)
        {
            foreach (var days in new[] { 7, 30 })
            {
                Assert.Equal(oracle.FeatureUsers(feature, days), served.Value("saas_feature_active_users", ("feature", feature), ("window", $"{days}d")));
            }
        }

        var breadth = oracle.FeaturesUsed(30, features);
        for (var n = 0; n <= 5; n++)
        {
            var label = n == 5 ? "5+" : n.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(breadth.GetValueOrDefault(n), served.Value("saas_features_used_users", ("features", label), ("window", "30d")));
        }

        foreach (var retention in new[] { "d1", "d7", "d30", "d90" })
        {
            var (cohort, retained) = oracle.Retention(retention);
            Assert.True(cohort > 0, $"{retention} cohort should not be empty in the seeded data");
            Assert.Equal(cohort, served.Value("saas_retention_cohort_users", ("retention", retention)));
            Assert.Equal(retained, served.Value("saas_retention_retained_users", ("retention", retention)));
        }

        var weekly = oracle.WeeklyCohorts();
        Assert.Equal(weekly.Count, served.Family("saas_cohort_users").Count);
        Assert.Equal(weekly.Sum(c => c.Cells.Count), served.Family("saas_cohort_retained_users").Count);
        foreach (var (cohort, users, cells) in weekly)
        {
            Assert.Equal(users, served.Value("saas_cohort_users", ("cohort", cohort)));
            for (var week = 0; week < cells.Count; week++)
            {
                Assert.Equal(cells[week], served.Value("saas_cohort_retained_users", ("cohort", cohort), ("week", week.ToString(CultureInfo.InvariantCulture))));
            }
        }

        var (dormant, resurrected) = oracle.Resurrection(30);
        Assert.True(dormant > 0, "the seeded data has dormant users");
        Assert.Equal(dormant, served.Value("saas_dormant_users_window_start", ("window", "30d")));
        Assert.Equal(resurrected, served.Value("saas_resurrected_users", ("window", "30d")));
    }
}
