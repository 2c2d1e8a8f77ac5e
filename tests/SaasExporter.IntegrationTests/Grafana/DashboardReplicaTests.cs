using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// Two exporter replicas scraped by one Prometheus serve every series twice, differing only in <c>instance</c>. A panel
/// that adds raw exporter series up must collapse the replicas first, so one exporter and two draw the same numbers.
/// </summary>
[Collection(MonitoringStackCollection.Name)]
public sealed partial class DashboardReplicaTests(MonitoringStackFixture stack)
{
    public static TheoryData<string, string, string> Queries() => DashboardQueryTests.Queries();

    [Theory]
    [InlineData("sum(saas_mrr)", "saas_mrr")]
    [InlineData("sum by (plan) (saas_mrr{plan=~\"a|b\"})", "saas_mrr")]
    [InlineData("sum(increase(saas_exporter_collector_runs_total[5m]))", "saas_exporter_collector_runs_total")]
    [InlineData("count(saas_exporter_collector_up == 1)", "saas_exporter_collector_up")]
    [InlineData("max without (instance) (sum(crm_deals_created))", "crm_deals_created")]
    [InlineData("sum without (instance) (saas_customers)", "saas_customers")]
    [InlineData("sum(crm_emails_sent) / (sum(max without (instance) (saas_active_users)) > 0)", "crm_emails_sent")]
    [InlineData("sum(max without (instance) (saas_mrr))", "")]
    [InlineData("sum by (billing_interval) (max without (instance) (saas_mrr{plan=~\"$plan\"}))", "")]
    [InlineData("histogram_quantile(0.9, sum by (collector, le) (max without (instance) (increase(saas_exporter_collector_duration_seconds_bucket[1h]))))", "")]
    [InlineData("count(min without (instance) (saas_exporter_collector_up) == 1) or vector(0)", "")]
    [InlineData("sum by (instance) (saas_mrr)", "")]
    [InlineData("max(saas_ticket_first_response_seconds{window=\"30d\"})", "")]
    [InlineData("saas:arr + sum(slo:sli_error:ratio_rate5m{sloth_slo=\"saas_mrr\"})", "")]
    public void ReplicaScan_FindsExactlyTheSumsThatAddReplicasUp(string expr, string expected)
    {
        Assert.Equal(expected, string.Join(",", PromQlScan.SummedWithReplicas(expr)));
    }

    [Fact]
    public void NoPanel_SumsOrCountsARawExporterSeriesWithoutDroppingTheInstanceFirst()
    {
        var offenders = DashboardFiles.All()
            .SelectMany(d => DashboardFiles.Panels(d.Dashboard).SelectMany(p => DashboardFiles.Targets(p).Select(t => (d.Path, Panel: (string)p["title"]!, Expr: (string)t["expr"]!))))
            .SelectMany(t => PromQlScan.SummedWithReplicas(t.Expr).Select(m => $"{t.Path} '{t.Panel}': {m} in `{t.Expr}`"))
            .ToList();

        Assert.True(offenders.Count == 0, "sums over replicas (wrap the series in max without (instance) (...)):\n" + string.Join("\n", offenders));
    }

    /// <summary>
    /// Each raw exporter selector of the panel query is replaced by itself plus a copy under another instance, exactly
    /// what one more replica adds; both queries run at the same instant on the real Prometheus and must draw
    /// the same series with the same values.
    /// </summary>
    [Theory]
    [MemberData(nameof(Queries))]
    public async Task PanelQuery_DrawsTheSameSeriesAndNumbersWithASecondReplica(string path, string panelTitle, string refId)
    {
        var dashboard = DashboardFiles.Load(path);
        var panel = DashboardFiles.Panels(dashboard).Single(p => (string?)p["title"] == panelTitle);
        var query = DashboardFiles.Substitute((string)DashboardFiles.Targets(panel).Single(t => (string?)t["refId"] == refId)["expr"]!, dashboard, panel);
        var doubled = WithSecondReplica(query);
        var at = TimeProvider.System.GetUtcNow().AddSeconds(-2).ToUnixTimeMilliseconds() / 1000.0;

        var one = await SeriesAsync(query, at);
        var two = await SeriesAsync(doubled, at);

        var drawnTwice = two.GroupBy(s => s.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(drawnTwice.Count == 0, $"draws one series per replica for {string.Join("; ", drawnTwice)}: collapse with max without (instance)\n`{doubled}`");
        var second = two.ToDictionary(s => s.Key, s => s.Value);
        Assert.Equal(one.Select(s => s.Key).Order(StringComparer.Ordinal), second.Keys.Order(StringComparer.Ordinal));
        Assert.All(one, s => Assert.True(
            double.IsNaN(s.Value) ? double.IsNaN(second[s.Key]) : Math.Abs(s.Value - second[s.Key]) <= 1e-9 * Math.Max(1, Math.Abs(s.Value)),
            $"{s.Key}: {s.Value} with one replica, {second[s.Key]} with two\n`{doubled}`"));
    }

    // The stack already runs two replicas: each series gains a copy under an instance of its own, as more replicas would.
    private static string WithSecondReplica(string query) => RawSelector().Replace(query, m =>
        $"({m.Value} or label_replace({m.Value}, \"instance\", \"$1-copy\", \"instance\", \"(.*)\"))");

    private async Task<List<(string Key, double Value)>> SeriesAsync(string promql, double at)
    {
        using var content = new FormUrlEncodedContent(
        [
            new KeyValuePair<string, string>("query", promql),
            new KeyValuePair<string, string>("time", at.ToString("F3", CultureInfo.InvariantCulture)),
        ]);
        using var response = await stack.Prometheus.Client.PostAsync(new Uri("api/v1/query", UriKind.Relative), content);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var body = document.RootElement;
        Assert.True(body.GetProperty("status").GetString() == "success", $"`{promql}`: {body}");
        var data = body.GetProperty("data");
        if (data.GetProperty("resultType").GetString() == "scalar")
        {
            return [("scalar", Number(data.GetProperty("result")))];
        }

        // A panel draws one series per label set; the instance label of a collapsed series would be gone anyway.
        return [.. data.GetProperty("result").EnumerateArray().Select(s => (
            string.Join(",", s.GetProperty("metric").EnumerateObject().Where(l => l.Name != "instance").Select(l => $"{l.Name}={l.Value.GetString()}").Order(StringComparer.Ordinal)),
            Number(s.GetProperty("value"))))];
    }

    private static double Number(JsonElement sample) =>
        double.Parse(sample[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A raw exporter selector with its matchers and range, inside a rate-like call when it has a range.</summary>
    [GeneratedRegex(@"(?:\b(?:increase|rate|irate|delta|deriv|max_over_time|min_over_time|avg_over_time)\()?(?<![\w:])(?:saas|crm)_[a-zA-Z0-9_]+(?:\{[^}]*\})?(?:\[[^\]]*\]\))?")]
    private static partial Regex RawSelector();
}
