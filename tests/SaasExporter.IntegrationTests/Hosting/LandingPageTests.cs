using System.Globalization;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>
/// The landing page of a serving exporter over the hand-built database: its headline numbers are the values /metrics
/// serves (and the hand-computed answers), each with the evaluation instant of the poll that published it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class LandingPageTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    [Fact]
    public async Task LandingPage_AfterARealPoll_ShowsTheHeadlineNumbersMetricsServes_AtTheirEvaluationInstant()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "landing_headlines");
        await db.Account(1);
        await db.Account(2);
        await db.Account(3, isInternal: true);
        // Cohort (now-35d, now-7d]: users 10, 11, 12; 10 and 11 activated within 7 days, 12 never.
        await db.User(10, 1, createdAt: Now.AddDays(-20), activatedAt: Now.AddDays(-19));
        await db.User(11, 2, createdAt: Now.AddDays(-10), activatedAt: Now.AddDays(-5));
        await db.User(12, 2, createdAt: Now.AddDays(-30));
        await db.User(13, 3, createdAt: Now.AddDays(-10), activatedAt: Now.AddDays(-10), isInternal: true);
        // Active in the last day: 10; in the last 30 days: 10, 11, 12 (13 is internal, the future does not count).
        await db.Event(10, Now.AddHours(-2));
        await db.Event(11, Now.AddDays(-3));
        await db.Event(12, Now.AddDays(-29));
        await db.Event(13, Now.AddHours(-1));
        await db.Event(11, Now.AddHours(2));
        await db.Subscription(1, 1, 100m, Now.AddDays(-60));
        await db.Subscription(2, 2, 49.5m, Now.AddDays(-10), plan: "team", interval: "year");
        await db.Subscription(3, 2, 20m, Now.AddDays(-10), trial: true);

        await using var exporter = await ExporterUnderTest.StartAsync(db.ConnectionString, new Dictionary<string, string?> { ["AsOf"] = Iso(Now) });
        await exporter.WaitReadyAsync();
        var metrics = await exporter.ScrapeAsync();
        var page = await exporter.Client.GetStringAsync(new Uri("/", UriKind.Relative));

        var served = new Dictionary<string, double>
        {
            ["dau"] = metrics.Value("saas_active_users", ("entity", "user"), ("window", "1d")),
            ["mau"] = metrics.Value("saas_active_users", ("entity", "user"), ("window", "30d")),
            ["activation-rate"] = metrics.Value("saas_activation_activated_users") / metrics.Value("saas_activation_cohort_users"),
            ["mrr"] = metrics.Family("saas_mrr").Values.Sum(),
        };
        var shown = Headline().Matches(page).ToDictionary(m => m.Groups["id"].Value,
            m => (Value: double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture), EvaluatedAt: m.Groups["at"].Value));

        Assert.Equal(new Dictionary<string, double> { ["dau"] = 1, ["mau"] = 3, ["activation-rate"] = 2.0 / 3, ["mrr"] = 149.5 }, served);
        Assert.Equal(served, shown.ToDictionary(s => s.Key, s => s.Value.Value));
        Assert.All(shown.Values, s => Assert.Equal("2026-06-10 12:00:00 UTC", s.EvaluatedAt));
        Assert.DoesNotContain("class=\"stale\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"loading\"", page, StringComparison.Ordinal);
        Assert.Matches(FreshCollector(), page);
    }

    [GeneratedRegex("""<tr id="(?<id>[a-z-]+)"><td>[^<]+</td><td class="number" data-value="(?<value>[^"]+)">[^<]+</td><td>(?<at>[^<]+) <span""")]
    private static partial Regex Headline();

    [GeneratedRegex("""<tr><td>engagement</td><td class="fresh">fresh</td><td><span title="[^"]+">[0-9]+ s ago</span></td>""")]
    private static partial Regex FreshCollector();
}
