using Microsoft.Extensions.Configuration;
using SaasExporter.Catalogue;

namespace SaasExporter.UnitTests.Catalogue;

public sealed class SelectorCheckerTests : IDisposable
{
    private readonly string _rules = Path.Combine(Path.GetTempPath(), $"saas-exporter-rules-{Guid.NewGuid():N}.yml");
    private readonly SelectorChecker _checker;

    public SelectorCheckerTests()
    {
        File.WriteAllText(_rules, """
            groups:
              - name: g
                rules:
                  - record: saas:dau
                    expr: sum(saas_active_users{entity="user", window="1d"})
                  - record: saas:quarterly
                    expr: sum(saas_active_users{entity="user", window="90d"})
                  - record: slo:sli_good:bool
                    expr: saas:quarterly > bool 10
                    labels: {sloth_id: quarterly}
                  - record: slo:sli_good:bool
                    expr: saas:dau > bool 10
                    labels: {sloth_id: daily}
                  - alert: Low
                    expr: saas:dau < 1
            """);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:ConnectionString"] = "Host=127.0.0.1" }).Build();
        _checker = SelectorChecker.Load(ExporterCatalogue.For(SaasExporter.Hosting.ExporterConfiguration.Load(configuration)), [_rules]);
    }

    public void Dispose() => File.Delete(_rules);

    [Theory]
    [InlineData("saas:dau")]
    [InlineData("slo:sli_good:bool{sloth_id=\"daily\", instance=\"x\"}")]
    [InlineData("slo:sli_good:bool")]
    [InlineData("up{job=\"saas-exporter\"}")]
    [InlineData("scrape_samples_scraped")]
    [InlineData("{__name__=~\"slo:.+\", sloth_id=\"daily\"}")]
    public void CanMatch_SeriesARuleOrPrometheusProduces_IsYes(string selector) =>
        Assert.Equal(SelectorVerdict.Yes, _checker.CanMatch(PromQlSelectors.Extract(selector).Single()));

    [Theory]
    [InlineData("slo:sli_good:bool{sloth_id=\"weekly\"}", true,
        "no recording rule of slo:sli_good:bool sets labels that match (2 label sets, such as sloth_id=quarterly)")]
    [InlineData("saas:quarterly", true,
        "recorded only by rules that never produce it: saas:quarterly reads saas_active_users{entity=\"user\", window=\"90d\"}: window=\"90d\" matches nothing: saas_active_users serves window = 1d, 7d, 30d (configuration: ActiveWindows)")]
    [InlineData("slo:sli_good:bool{sloth_id=\"quarterly\"}", true,
        "recorded only by rules that never produce it: saas:quarterly reads saas_active_users{entity=\"user\", window=\"90d\"}: window=\"90d\" matches nothing: saas_active_users serves window = 1d, 7d, 30d (configuration: ActiveWindows)")]
    public void CanMatch_SeriesNothingProduces_IsNoWithTheRootCause(string selector, bool throughRules, string reason) =>
        Assert.Equal(SelectorVerdict.No(reason), _checker.CanMatch(PromQlSelectors.Extract(selector).Single(), throughRules));

    [Fact]
    public void CanMatch_NotThroughRules_JudgesOnlyTheSelectorItself() =>
        Assert.Equal(SelectorVerdict.Yes, _checker.CanMatch(PromQlSelectors.Extract("saas:quarterly").Single(), throughRules: false));

    [Fact]
    public void Rules_AreReadInOrderWithNamesAndLabels()
    {
        Assert.Equal(["saas:dau", "saas:quarterly", "slo:sli_good:bool", "slo:sli_good:bool", "Low"], _checker.Rules.Select(r => r.Name));
        Assert.Null(_checker.Rules[^1].Record);
        Assert.Equal("daily", _checker.Rules[3].Labels["sloth_id"]);
    }

    [Fact]
    public void Load_NotARuleFile_IsAFormatExceptionNamingIt()
    {
        File.WriteAllText(_rules, "groups: 3\n");
        Assert.StartsWith($"{_rules}: not a Prometheus rule file", Assert.Throws<FormatException>(() => PrometheusRule.Load(_rules)).Message, StringComparison.Ordinal);
    }
}
