using SaasExporter.Events.Engagement;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

/// <summary>Engagement on a hand-built dataset whose every expected value is worked out in the comments.</summary>
[Collection(CollectorPollCollection.Name)]
public sealed class EngagementCollectorTests(PostgresFixture postgres, ClassDataset dataset) : IClassFixture<ClassDataset>
{
    private static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    private static Dictionary<string, string?> Settings(string tz = "UTC", int powerMinDays = 20) => new()
    {
        ["AsOf"] = Iso(Now),
        ["ReportingTimeZone"] = tz,
        ["ExcludedEvents:0"] = "notification_sent",
        ["PowerUserMinDays"] = powerMinDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Task<Exposition> PollAsync(HandBuiltDatabase db, Dictionary<string, string?> settings) =>
        CollectorPoll.PollAsync(db.ConnectionString, settings, EngagementDefinition.Descriptor.Name);

    private Task<HandBuiltDatabase> BuildAsync() => dataset.GetAsync(async () =>
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "engagement");
        await db.Account(1);
        await db.Account(2);
        await db.Account(3, isInternal: true);
        await db.User(1, 1);
        await db.User(2, 1);
        await db.User(3, 2);
        await db.User(4, 2, isInternal: true);
        await db.User(5, 3);
        await db.User(6, 2);
        await db.User(7, 2);

        // u1: now itself (included), one second after now (excluded), 10:00 on the 19 days 2026-05-22..06-09 plus a
        // second event on 06-09: 20 distinct days in the 30 calendar days 05-12..06-10. 05-11 23:00 lies inside the
        // rolling 30d window but outside those calendar days.
        await db.Event(1, Now);
        await db.Event(1, Now.AddSeconds(1), platform: "mobile");
        for (var day = Utc("2026-05-22T10:00:00Z"); day < Now.AddDays(-1); day = day.AddDays(1))
        {
            await db.Event(1, day);
        }

        await db.Event(1, Utc("2026-06-09T11:00:00Z"));
        await db.Event(1, Utc("2026-05-11T23:00:00Z"));

        // u2: exactly now - 24h (not in 1d, in 7d and 30d) on mobile; an api event after now never counts.
        await db.Event(2, Now.AddHours(-24), platform: "mobile");
        await db.Event(2, Now.AddSeconds(5), platform: "api");

        // u3: exactly now - 7d (not in 7d, in 30d) on the api; 30d + 1s inside the window on the web; an unknown
        // platform that must never become a label.
        await db.Event(3, Now.AddDays(-7), platform: "api");
        await db.Event(3, Now.AddDays(-30).AddSeconds(1));
        await db.Event(3, Now.AddDays(-10), platform: "desktop");

        // Never active: an internal user, a user of an internal account, a user with only excluded events, and a
        // user whose only event is exactly now - 30d.
        await db.Event(4, Now.AddHours(-1));
        await db.Event(5, Now.AddHours(-1));
        await db.Event(6, Now.AddHours(-1), name: "notification_sent", feature: null);
        await db.Event(7, Now.AddDays(-30));
        return db;
    });

    [Fact]
    public async Task ActiveUsers_CountsHalfOpenWindowsAndExcludesInternalAndExcludedEvents()
    {
        var db = await BuildAsync();
        var metrics = await PollAsync(db, Settings());

        Assert.Equal(1, metrics.Value("saas_active_users", ("entity", "user"), ("window", "1d")));   // u1
        Assert.Equal(2, metrics.Value("saas_active_users", ("entity", "user"), ("window", "7d")));   // u1 u2
        Assert.Equal(3, metrics.Value("saas_active_users", ("entity", "user"), ("window", "30d")));  // u1 u2 u3
        Assert.Equal(1, metrics.Value("saas_active_users", ("entity", "account"), ("window", "1d"))); // a1
        Assert.Equal(1, metrics.Value("saas_active_users", ("entity", "account"), ("window", "7d"))); // a1
        Assert.Equal(2, metrics.Value("saas_active_users", ("entity", "account"), ("window", "30d"))); // a1 a2
    }

    [Fact]
    public async Task ActiveDaysAndPowerUsers_CountDistinctCalendarDaysEndingToday()
    {
        var db = await BuildAsync();
        var metrics = await PollAsync(db, Settings());

        for (var days = 1; days <= 30; days++)
        {
            var expected = days switch { 20 => 1, 2 => 1, 1 => 1, _ => 0 }; // u1: 20; u3: 05-31, 06-03; u2: 06-09
            Assert.Equal(expected, metrics.Value("saas_active_days_users", ("days", days.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        Assert.Equal(1, metrics.Value("saas_power_users"));
    }

    [Fact]
    public async Task PowerUsers_FollowsConfiguredMinimumDays()
    {
        var db = await BuildAsync();

        Assert.Equal(0, (await PollAsync(db, Settings(powerMinDays: 21))).Value("saas_power_users"));
    }

    [Fact]
    public async Task PlatformActiveUsers_OnlyConfiguredPlatformsBecomeLabels()
    {
        var db = await BuildAsync();
        var metrics = await PollAsync(db, Settings());

        Assert.Equal(2, metrics.Value("saas_platform_active_users", ("platform", "web"), ("window", "30d")));    // u1 u3
        Assert.Equal(1, metrics.Value("saas_platform_active_users", ("platform", "mobile"), ("window", "30d"))); // u2
        Assert.Equal(1, metrics.Value("saas_platform_active_users", ("platform", "api"), ("window", "30d")));    // u3
        Assert.Equal(3, metrics.Family("saas_platform_active_users").Count);
    }

    [Fact]
    public async Task ActiveDays_UseTheReportingTimeZoneForCalendarDays()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "engagement_tz");
        await db.Account(1);
        await db.User(1, 1);
        await db.User(2, 1);
        // Berlin is UTC+2 in June: 05-11 23:30Z is 05-12 01:30 in Berlin, the first of the 30 days there, but
        // 05-11 in UTC, outside them. 06-09 23:30Z is 06-10 in Berlin, the same day as 06-10 09:00Z.
        await db.Event(1, Utc("2026-05-11T23:30:00Z"));
        await db.Event(1, Utc("2026-06-10T08:00:00Z"));
        await db.Event(2, Utc("2026-06-09T23:30:00Z"));
        await db.Event(2, Utc("2026-06-10T09:00:00Z"));

        var metrics = await PollAsync(db, Settings("Europe/Berlin"));
        Assert.Equal(1, metrics.Value("saas_active_days_users", ("days", "2"))); // u1: 05-12 and 06-10
        Assert.Equal(1, metrics.Value("saas_active_days_users", ("days", "1"))); // u2: 06-10 twice

        var inUtc = await PollAsync(db, Settings("UTC"));
        Assert.Equal(1, inUtc.Value("saas_active_days_users", ("days", "2"))); // u2: 06-09 and 06-10
        Assert.Equal(1, inUtc.Value("saas_active_days_users", ("days", "1"))); // u1: 06-10 only
    }
}
