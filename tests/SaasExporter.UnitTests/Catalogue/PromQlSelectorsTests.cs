using SaasExporter.Catalogue;

namespace SaasExporter.UnitTests.Catalogue;

public sealed class PromQlSelectorsTests
{
    private static string[] Extract(string expression) => [.. PromQlSelectors.Extract(expression).Select(s => s.ToString())];

    [Theory]
    [InlineData("up", new[] { "up" })]
    [InlineData("crm_deals_created{window=\"1d\"}", new[] { "crm_deals_created{window=\"1d\"}" })]
    [InlineData("a{x!='y', z=~`a|b`, w!~\"c.*\"}", new[] { "a{x!=\"y\", z=~\"a|b\", w!~\"c.*\"}" })]
    [InlineData("sum by (plan) (saas_mrr{billing_interval=\"year\"}) / 12", new[] { "saas_mrr{billing_interval=\"year\"}" })]
    [InlineData("sum(rate(saas_exporter_collector_runs_total{result=\"failure\"}[5m])) without (instance)", new[] { "saas_exporter_collector_runs_total{result=\"failure\"}" })]
    [InlineData("a / on (instance, collector) group_left(version) b and ignoring(x) c offset 1d", new[] { "a", "b", "c" })]
    [InlineData("label_replace(saas_active_days_users, \"d\", \"0$1\", \"days\", \"(\\\\d)\")", new[] { "saas_active_days_users" })]
    [InlineData("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m:1m]))) > 1e-3 # comment {not=\"a selector\"}", new[] { "x_bucket" })]
    [InlineData("max_over_time(saas:arr[1h]) or vector(0) unless bool time() > 2", new[] { "saas:arr" })]
    [InlineData("count_values(\"v\", a{b=\"c,}\"})", new[] { "a{b=\"c,}\"}" })]
    [InlineData("{__name__=~\"slo:.+\", a=\"b\"} / on (a) group_left () c", new[] { "{__name__=~\"slo:.+\", a=\"b\"}", "c" })]
    public void Extract_Expression_FindsExactlyItsSelectors(string expression, string[] expected) =>
        Assert.Equal(expected, Extract(expression));

    [Theory]
    [InlineData("a / {job=\"x\"}", "the selector at character 5 has neither a metric name nor a __name__ matcher")]
    [InlineData("up{__name__=\"x\"}", "a __name__ matcher after the metric name is not supported")]
    [InlineData("up{job=x}", "expected a quoted value for job at character 8")]
    [InlineData("up{job==\"x\"}", "expected a quoted value for job at character 8")]
    [InlineData("up{job=\"x\"", "expected , or } at character 11")]
    [InlineData("rate(up[5m)", "'[' is never closed")]
    [InlineData("up{job=~\"(x\"}", "selector of up: job: not a regular expression:")]
    public void Extract_Malformed_IsAFormatExceptionSayingWhere(string expression, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => PromQlSelectors.Extract(expression)).Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_AnExpressionThatIsNotOneSelector_IsRefused()
    {
        Assert.Equal("a{b=\"c\"}", VectorSelector.Parse(" a{b=\"c\"}[5m] ").ToString());
        Assert.Throws<FormatException>(() => VectorSelector.Parse("sum(a)"));
        Assert.Throws<FormatException>(() => VectorSelector.Parse("a / b"));
        Assert.Throws<FormatException>(() => VectorSelector.Parse("{__name__=\"a\"}"));
    }
}
