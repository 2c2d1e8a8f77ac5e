using System.Text.RegularExpressions;
using SaasExporter.Configuration;
using SaasExporter.Hosting;
using SaasExporter.Polling;

namespace SaasExporter.UnitTests.Hosting;

/// <summary>The landing page rendered at a fixed instant: ages, stale and loading collectors, headline numbers, encoding.</summary>
public sealed partial class LandingPageTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-06-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset EvaluatedAt = DateTimeOffset.Parse("2026-06-10T11:59:48Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly IReadOnlyList<HeadlineNumber> NoHeadlines = [];

    [Fact]
    public void Render_AtAFixedInstant_ShowsHowLongAgoEachCollectorSucceeded_AndMarksStaleLoadingFailingAndDisabled()
    {
        var options = new ExporterOptions();
        options.Collectors["revenue"] = new CollectorOptions { Interval = TimeSpan.FromMinutes(5) };
        CollectorStatus[] statuses =
        [
            new("engagement", true, null, Now.AddSeconds(-12), TimeSpan.FromMilliseconds(40), Now.AddSeconds(-12), null, "degraded: dropped 2 events rows"),
            new("activation", true, null, null, null, null, null),
            new("revenue", true, null, Now.AddMinutes(-11), TimeSpan.FromMilliseconds(30), Now.AddMinutes(-11), null),
            new("support", false, "relation tickets is missing", null, null, null, null),
            new("surveys", true, null, Now.AddSeconds(-30), TimeSpan.FromMilliseconds(5), Now.AddSeconds(-90), "timed out after 00:00:30"),
        ];

        var page = LandingPage.Render(statuses, options, Now, NoHeadlines);

        Assert.Equal(
        [
            ("engagement", "fresh", "fresh", "12 s ago", "1m"),
            ("activation", "loading", "loading (first poll running)", "never", "1m"),
            ("revenue", "stale", "stale (no success for over 10m)", "11 min ago", "5m"),
            ("support", "disabled", "disabled (relation tickets is missing)", "never", "1m"),
            ("surveys", "failing", "failing (last good values still served)", "90 s ago", "1m"),
        ],
        CollectorRow().Matches(page).Select(m => (m.Groups["name"].Value, m.Groups["class"].Value, m.Groups["state"].Value,
            m.Groups["ago"].Value, m.Groups["interval"].Value)));
        Assert.Contains("title=\"2026-06-10 11:59:48 UTC\">12 s ago", page, StringComparison.Ordinal);
        Assert.Contains("page rendered at 2026-06-10 12:00:00 UTC", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"warn\">degraded: dropped 2 events rows</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"err\">timed out after 00:00:30</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AFailedPollPastTwiceTheInterval_IsStale()
    {
        CollectorStatus[] statuses = [new("engagement", true, null, Now, TimeSpan.FromSeconds(1), Now.AddSeconds(-121), "connection refused")];

        var page = LandingPage.Render(statuses, new ExporterOptions(), Now, NoHeadlines);

        Assert.Contains("<td class=\"stale\">stale (no success for over 2m)</td><td><span title=\"2026-06-10 11:57:59 UTC\">2 min ago</span>", page, StringComparison.Ordinal);
        Assert.Contains("connection refused", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HeadlineNumbers_ShowValueEvaluationInstantAndWhyAMissingOneIsMissing()
    {
        HeadlineNumber[] headlines =
        [
            new("DAU", "saas_active_users{entity=\"user\",window=\"1d\"}", HeadlineFormat.Count, 1234, null, "engagement", EvaluatedAt),
            new("Activation rate", "a / b", HeadlineFormat.Percent, 2.0 / 3, null, "activation", EvaluatedAt),
            new("MRR", "sum(saas_mrr)", HeadlineFormat.Money, 12345.5, null, "revenue", EvaluatedAt),
            new("MAU", "m", HeadlineFormat.Count, null, "loading: collector engagement has not completed a poll yet", "engagement", null),
        ];

        var page = LandingPage.Render([], new ExporterOptions(), Now, headlines);

        Assert.Contains("<tr id=\"dau\"><td>DAU</td><td class=\"number\" data-value=\"1234\">1,234</td><td>2026-06-10 11:59:48 UTC <span class=\"note\">(12 s ago)</span></td><td><code>saas_active_users{entity=&quot;user&quot;,window=&quot;1d&quot;}</code> (engagement)</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains($"data-value=\"{(2.0 / 3).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\">66.7 %</td>", page, StringComparison.Ordinal);
        Assert.Contains("data-value=\"12345.5\">12,345.50</td>", page, StringComparison.Ordinal);
        Assert.Contains("<tr id=\"mau\"><td>MAU</td><td class=\"note\">loading: collector engagement has not completed a poll yet</td><td></td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EncodesEveryTextItShows()
    {
        const string Hostile = "<script>alert('x')</script>&";
        var options = new ExporterOptions { ReportingTimeZone = Hostile };
        CollectorStatus[] statuses = [new(Hostile, false, Hostile, null, null, null, Hostile, Hostile)];
        HeadlineNumber[] headlines = [new(Hostile, Hostile, HeadlineFormat.Count, null, Hostile, Hostile, null)];

        var page = LandingPage.Render(statuses, options, Now, headlines);

        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("alert('x')", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;", page, StringComparison.Ordinal);
    }

    [GeneratedRegex("""<tr><td>(?<name>[a-z]+)</td><td class="(?<class>[a-z]+)">(?<state>[^<]*)</td><td>(?:<span title="[^"]*">)?(?<ago>[^<]*)(?:</span>)?</td>\n<td>(?<interval>[^<]*)</td>""")]
    private static partial Regex CollectorRow();
}
