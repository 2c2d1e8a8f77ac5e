using System.Globalization;
using System.Text.Json.Nodes;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// The two charts whose meaning is their order, drawn the way Grafana draws them: the panel query runs on the real
/// Prometheus, its answer becomes Grafana's table in the order Prometheus returned it, and the panel's own
/// transformations (<see cref="GrafanaTable"/>) decide the final order. Prometheus sorts the unpadded labels
/// (1, 10, 11, ..., 2), so a chart that relies on the query alone comes out as 01, 10..19, 02, 20..
/// </summary>
[Collection(MonitoringStackCollection.Name)]
public sealed class DashboardOrderTests(MonitoringStackFixture stack)
{
    [Fact]
    public async Task L30Curve_DrawsThirtyBarsFromDay01ToDay30InDayOrder()
    {
        var (panel, table) = await DrawAsync("product/engagement.json", "L30 power-user curve");

        Assert.Equal("table", (string?)panel["targets"]![0]!["format"]);
        Assert.True((bool?)panel["options"]!["reduceOptions"]!["values"], "the bar gauge must draw every row (reduceOptions.values), not one reduced series");
        Assert.Equal([.. Enumerable.Range(1, 30).Select(d => d.ToString("00", CultureInfo.InvariantCulture))], table.RowTitles("Value"));
    }

    [Fact]
    public async Task WeeklyCohortTriangle_HasWeekColumnsInWeekOrderAndCohortsOldestFirst()
    {
        var (_, table) = await DrawAsync("product/activation-retention.json", "Weekly cohort retention");

        var weeks = table.Fields.Skip(1).ToList();
        Assert.Equal("cohort\\week", table.Fields[0]);
        // 180 seeded days fill the 12-cohort triangle (weeks 00..10 have ended); with fewer than 11 columns lexical and
        // numeric order could not differ, and the test would prove nothing.
        Assert.True(weeks.Count >= 11, $"only {weeks.Count} week columns: [{string.Join(", ", weeks)}]");
        Assert.Equal([.. Enumerable.Range(0, weeks.Count).Select(w => $"week {w:00}")], weeks);
        var cohorts = table.Column("cohort\\week");
        Assert.True(cohorts.Count >= 11, $"only {cohorts.Count} cohorts");
        Assert.Equal(cohorts.Order(StringComparer.Ordinal), cohorts);
        Assert.All(cohorts, c => Assert.Matches(@"^\d{4}-W\d{2}$", c));
    }

    [Fact]
    public void GrafanaTable_KeepsPrometheusOrderWhenAPanelHasNoSort()
    {
        var answer = System.Text.Json.JsonDocument.Parse("""
            {"resultType":"vector","result":[
              {"metric":{"days":"01"},"value":[1,"5"]},{"metric":{"days":"10"},"value":[1,"6"]},{"metric":{"days":"02"},"value":[1,"7"]}]}
            """).RootElement;
        var unsorted = new JsonObject { ["title"] = "x", ["type"] = "bargauge" };
        var sorted = new JsonObject
        {
            ["title"] = "x",
            ["type"] = "bargauge",
            ["transformations"] = JsonNode.Parse("""[{"id":"sortBy","options":{"sort":[{"field":"days"}]}}]"""),
        };

        Assert.Equal(["01", "10", "02"], GrafanaTable.FromPrometheus(answer).Transform(unsorted).RowTitles("Value"));
        Assert.Equal(["01", "02", "10"], GrafanaTable.FromPrometheus(answer).Transform(sorted).RowTitles("Value"));
    }

    private async Task<(JsonObject Panel, GrafanaTable Table)> DrawAsync(string path, string title)
    {
        var dashboard = DashboardFiles.Load(path);
        var panel = DashboardFiles.Panels(dashboard).Single(p => (string?)p["title"] == title);
        var target = Assert.Single(DashboardFiles.Targets(panel));
        Assert.Equal("table", (string?)target["format"]);
        Assert.True((bool?)target["instant"], $"'{title}' must be an instant query: a range query's table has one row per sample");

        var answer = await stack.Prometheus.QueryAsync(DashboardFiles.Substitute((string)target["expr"]!, dashboard, panel));
        var table = GrafanaTable.FromPrometheus(answer).Transform(panel);
        Assert.True(table.RowCount > 0, $"'{title}' drew nothing");
        return (panel, table);
    }
}
