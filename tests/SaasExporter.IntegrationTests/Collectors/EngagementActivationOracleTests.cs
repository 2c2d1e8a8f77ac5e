using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.IntegrationTests.Oracle;

namespace SaasExporter.IntegrationTests.Collectors;

/// <summary>
/// Every engagement and activation series served on /metrics for a seeded scale-1 database (about 10k users and 1M
/// events) equals a plain C# computation of its definition (README, Metrics served now) over the same rows.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EngagementActivationOracleTests(PostgresFixture postgres)
{
    public static TheoryData<string, string> Evaluations => new()
    {
        // At the end of the generated history, in UTC.
        { "2026-11-05T00:00:00Z", "UTC" },
        // Mid-afternoon, in a zone whose 30 calendar days span the end of daylight saving time (2026-11-01).
        { "2026-11-03T17:30:00Z", "America/New_York" },
    };

    [Theory]
    [MemberData(nameof(Evaluations))]
    public async Task ServedMetrics_EqualTheOracle(string asOf, string zone)
    {
        var (served, oracle) = await SeededEvaluation.RunAsync(postgres, asOf, zone);

        foreach (var days in new[] { 1, 7, 30 })
        {
            var window = $"{days}d";
            Assert.Equal(oracle.ActiveUsers(days), served.Value("saas_active_users", ("entity", "user"), ("window", window)));
            Assert.Equal(oracle.ActiveAccounts(days), served.Value("saas_active_users", ("entity", "account"), ("window", window)));
            Assert.Equal(oracle.Signups(days), served.Value("saas_signups", ("window", window)));
        }

        Assert.True(oracle.ActiveUsers(30) > 1000, "the seeded dataset should have a realistic monthly active base");

        var activeDays = oracle.ActiveDaysPerUser();
        for (var d = 1; d <= 30; d++)
        {
            Assert.Equal(activeDays.Values.Count(v => v == d), served.Value("saas_active_days_users", ("days", d.ToString(CultureInfo.InvariantCulture))));
        }

        Assert.Equal(activeDays.Values.Count(v => v >= 20), served.Value("saas_power_users"));

        foreach (var platform in new[] { "web", "mobile", "api" })
        {
            Assert.Equal(oracle.PlatformUsers(platform, 30), served.Value("saas_platform_active_users", ("platform", platform), ("window", "30d")));
        }

        var (perUser, durations) = oracle.Sessions(7, TimeSpan.FromMinutes(30));
        foreach (var q in new[] { 0.5, 0.9 })
        {
            var label = q.ToString("0.0#", CultureInfo.InvariantCulture);
            AssertClose(ReferenceMetrics.PercentileCont(perUser, q), served.Get("saas_sessions_per_user", ("window", "7d"), ("quantile", label)));
            AssertClose(ReferenceMetrics.PercentileCont(durations, q), served.Get("saas_session_duration_seconds", ("window", "7d"), ("quantile", label)));
        }

        Assert.Equal(oracle.ActivationCohort().Count, served.Value("saas_activation_cohort_users"));
        Assert.Equal(oracle.Activated(), served.Value("saas_activation_activated_users"));
        Assert.Equal(oracle.Onboarded(), served.Value("saas_onboarding_completed_users"));
        foreach (var q in new[] { 0.5, 0.75, 0.9 })
        {
            AssertClose(ReferenceMetrics.PercentileCont(oracle.TimesToFirstValue(), q),
                served.Get("saas_time_to_first_value_seconds", ("quantile", q.ToString("0.0#", CultureInfo.InvariantCulture))));
        }

        await Promtool.CheckMetricsAsync(served.Text);
    }

    private static void AssertClose(double? expected, double? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.True(Math.Abs(expected.Value - actual.Value) <= 1e-6 * Math.Max(1, Math.Abs(expected.Value)),
            $"expected {expected} but /metrics served {actual}");
    }
}
