using SaasExporter.Collectors;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

[Collection(CollectorPollCollection.Name)]
public sealed class ActivationCollectorTests(PostgresFixture postgres, ClassDataset dataset) : IClassFixture<ClassDataset>
{
    private static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    private async Task<Exposition> PollAsync() => await CollectorPoll.PollAsync(
        (await dataset.GetAsync(BuildAsync)).ConnectionString, new Dictionary<string, string?> { ["AsOf"] = Iso(Now) }, ActivationCollector.Descriptor.Name);

    private async Task<HandBuiltDatabase> BuildAsync()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "activation");
        await db.Account(1);
        await db.Account(2, isInternal: true);
        // The cohort is (now - 35d, now - 7d].
        var a1 = Now.AddDays(-7);                       // in (upper bound included); activated exactly 7d later: counts
        await db.User(1, 1, a1, activatedAt: a1.AddDays(7));
        var a2 = Now.AddDays(-35);                      // lower bound excluded
        await db.User(2, 1, a2, activatedAt: a2.AddHours(1), onboardedAt: a2.AddHours(1));
        var a3 = Now.AddDays(-35).AddSeconds(1);        // in; activated 7d + 1s later: too late, but has a TTFV
        await db.User(3, 1, a3, activatedAt: a3.AddDays(7).AddSeconds(1), onboardedAt: a3.AddDays(2));
        var a4 = Now.AddDays(-20);                      // in; activated after 1 h; onboarded after 8 days: too late
        await db.User(4, 1, a4, activatedAt: a4.AddHours(1), onboardedAt: a4.AddDays(8));
        await db.User(5, 1, Now.AddDays(-20));          // in; never activated
        await db.User(6, 1, Now.AddDays(-20), activatedAt: Now.AddDays(-20).AddHours(1), isInternal: true);
        await db.User(7, 2, Now.AddDays(-10), activatedAt: Now.AddDays(-10).AddHours(1)); // internal account
        await db.User(8, 1, Now.AddHours(-1));          // signups 1d, 7d, 30d
        await db.User(9, 1, Now.AddHours(-24));         // signups 7d, 30d (exactly now - 1d is outside 1d)
        await db.User(10, 1, Now.AddHours(1));          // after now: nowhere
        var a11 = Now.AddDays(-10);                     // in; activated after now: not activated, no TTFV
        await db.User(11, 1, a11, activatedAt: Now.AddHours(1));
        return db;
    }

    [Fact]
    public async Task Activation_CountsTheCohortWithinSevenDaysAndQuantilesOfActivatedUsers()
    {
        var metrics = await PollAsync();

        Assert.Equal(5, metrics.Value("saas_activation_cohort_users"));      // a1 a3 a4 a5 a11
        Assert.Equal(2, metrics.Value("saas_activation_activated_users"));   // a1 (exactly 7d), a4
        Assert.Equal(1, metrics.Value("saas_onboarding_completed_users"));   // a3
        // TTFV over a4 = 3600, a1 = 604800, a3 = 604801.
        Assert.Equal(604800, metrics.Value("saas_time_to_first_value_seconds", ("quantile", "0.5")), 6);
        Assert.Equal(604800.5, metrics.Value("saas_time_to_first_value_seconds", ("quantile", "0.75")), 6);
        Assert.Equal(604800.8, metrics.Value("saas_time_to_first_value_seconds", ("quantile", "0.9")), 6);
    }

    [Fact]
    public async Task Signups_CountUsersCreatedInHalfOpenWindows()
    {
        var metrics = await PollAsync();

        Assert.Equal(1, metrics.Value("saas_signups", ("window", "1d")));  // u8
        Assert.Equal(2, metrics.Value("saas_signups", ("window", "7d")));  // u8 u9 (u1 at exactly now - 7d is outside)
        Assert.Equal(6, metrics.Value("saas_signups", ("window", "30d"))); // u1 u4 u5 u8 u9 u11
    }
}
