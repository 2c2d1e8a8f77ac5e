using Microsoft.Extensions.Configuration;
using SaasExporter.Catalogue;

namespace SaasExporter.UnitTests.Catalogue;

public sealed class ExporterCatalogueTests
{
    private static ExporterCatalogue Catalogue(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Database:ConnectionString"] = "Host=127.0.0.1" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return ExporterCatalogue.For(SaasExporter.Hosting.ExporterConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build()));
    }

    [Theory]
    [InlineData("saas_active_users{entity=\"user\", window=\"30d\"}")]
    [InlineData("saas_active_users{window=~\"7d|1d\", entity!=\"account\"}")]
    [InlineData("saas_active_users{window!~\"30d\", window!=\"7d\"}")]
    [InlineData("saas_mrr{plan=\"other\"}")]
    [InlineData("saas_cohort_users{cohort=\"2026-W01\"}")]
    [InlineData("saas_mrr{plan=~\".+\", instance=\"exporter:9841\", job=\"saas\"}")]
    [InlineData("saas_power_users{window=\"\"}")]
    [InlineData("saas_exporter_collector_duration_seconds_bucket{le=\"+Inf\", collector=\"engagement\"}")]
    public void CanMatch_SelectorOfServedSeries_IsYes(string selector) =>
        Assert.Equal(SelectorVerdict.Yes, Catalogue().CanMatch(selector));

    [Theory]
    [InlineData("saas_active_user", "the exporter serves no series named saas_active_user")]
    [InlineData("saas_active_users{window=\"90d\"}",
        "window=\"90d\" matches nothing: saas_active_users serves window = 1d, 7d, 30d (configuration: ActiveWindows)")]
    [InlineData("saas_active_users{window=~\"7d\", window!=\"7d\"}",
        "window=~\"7d\", window!=\"7d\" matches nothing: saas_active_users serves window = 1d, 7d, 30d (configuration: ActiveWindows)")]
    [InlineData("saas_power_users{window=\"30d\"}", "window=\"30d\" matches nothing: saas_power_users has no label window (labels: none)")]
    [InlineData("saas_cohort_users{cohort=\"\"}", "cohort=\"\" can never hold: label cohort of saas_cohort_users always has a value")]
    [InlineData("saas_mrr{plan=\"enterprise\"}",
        "plan=\"enterprise\" matches nothing: saas_mrr serves plan = starter, pro, business, other, unknown (configuration: Plans)")]
    [InlineData("saas_exporter_http_unauthorized_total", "the exporter serves no series named saas_exporter_http_unauthorized_total")]
    public void CanMatch_SelectorNoServedSeriesHas_IsNoWithTheReason(string selector, string reason) =>
        Assert.Equal(SelectorVerdict.No(reason), Catalogue().CanMatch(selector));

    [Fact]
    public void CanMatch_IndexSeriesWithTheSqlSource_IsNo() =>
        Assert.Equal(SelectorVerdict.No("the exporter serves no series named saas_exporter_index_users"),
            Catalogue(("EventMetrics:Source", "sql")).CanMatch("saas_exporter_index_users"));

    [Fact]
    public void CanMatch_SelectorWithoutAName_MatchesAnyServedNameItsNameMatchersAllow()
    {
        var catalogue = Catalogue();
        var selector = PromQlSelectors.Extract("{__name__=~\"saas_(power|active)_users\", window=\"7d\"}").Single();
        var none = PromQlSelectors.Extract("{__name__=~\"saas_power_users|saas_tickets_open\", window=\"7d\"}").Single();
        var unknown = PromQlSelectors.Extract("{__name__=\"nothing\"}").Single();

        Assert.Equal(SelectorVerdict.Yes, catalogue.CanMatch(selector));
        Assert.Equal(SelectorVerdict.No("window=\"7d\" matches nothing: saas_power_users has no label window (labels: none)"), catalogue.CanMatch(none));
        Assert.Equal(SelectorVerdict.No("the exporter serves no series whose name matches __name__=\"nothing\""), catalogue.CanMatch(unknown));
    }

    [Fact]
    public void CanMatch_FollowsTheConfiguration()
    {
        var catalogue = Catalogue(("ActiveWindows:0", "90d"), ("Features:0", "billing"), ("EventMetrics:Source", "incremental"),
            ("Collectors:surveys:Enabled", "false"));

        Assert.True(catalogue.CanMatch("saas_active_users{window=\"90d\"}").CanMatch);
        Assert.False(catalogue.CanMatch("saas_active_users{window=\"30d\"}").CanMatch);
        Assert.True(catalogue.CanMatch("saas_feature_active_users{feature=\"billing\"}").CanMatch);
        Assert.False(catalogue.CanMatch("saas_feature_active_users{feature=\"contacts\"}").CanMatch);
        Assert.True(catalogue.CanMatch("saas_exporter_index_users").CanMatch);
        Assert.Equal("the exporter serves no series named saas_survey_responses", catalogue.CanMatch("saas_survey_responses").Reason);
    }

    [Fact]
    public void Families_EveryBuiltInLabel_IsListedInTheTable()
    {
        foreach (var source in new[] { "sql", "incremental" })
        {
            var unlisted = Catalogue(("EventMetrics:Source", source)).Families
                .SelectMany(f => f.Labels.Where(l => l.Source == "unlisted").Select(l => $"{f.Name}: {l.Name}")).ToList();
            Assert.True(unlisted.Count == 0, $"{source}: labels the catalogue does not know: {string.Join("; ", unlisted)}");
        }
    }

    [Fact]
    public void For_CustomCollectors_BoundsWindowsAndStaticLabelsAndLeavesLabelColumnsOpen()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saas-exporter-unit-{Guid.NewGuid():N}.yml");
        File.WriteAllText(file, """
            collectors:
              - name: crm_probe
                windows: [7d, 2w]
                sql: SELECT 'a' AS stage, 1 AS v
                metrics:
                  - {name: crm_probe_value, help: h, value: v, labels: [stage], static_labels: {source: crm}}
                  - {name: crm_probe_seconds, help: h, value: v, type: histogram, buckets: [1, 2.5]}
            """);
        try
        {
            var catalogue = Catalogue(("CustomCollectorsFile", file));

            var value = catalogue.Find("crm_probe_value")!;
            Assert.Equal(["stage", "source", "window"], value.Labels.Select(l => l.Name));
            Assert.True(value.Label("stage")!.Open);
            Assert.Equal(["crm"], value.Label("source")!.Values);
            Assert.Equal(["7d", "2w"], value.Label("window")!.Values);
            Assert.Equal(["1", "2.5", "+Inf"], catalogue.Find("crm_probe_seconds_bucket")!.Label("le")!.Values);
            Assert.NotNull(catalogue.Find("crm_probe_seconds_count"));
            Assert.Null(catalogue.Find("crm_probe_seconds"));
            Assert.False(catalogue.CanMatch("crm_probe_value{source=\"hubspot\"}").CanMatch);
            Assert.Contains("crm_probe", catalogue.Find("saas_exporter_collector_up")!.Label("collector")!.Values!);
            Assert.DoesNotContain("surveys", Catalogue(("Collectors:surveys:Enabled", "false")).Find("saas_exporter_collector_up")!.Label("collector")!.Values!);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
