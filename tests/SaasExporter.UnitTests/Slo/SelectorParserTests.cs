using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

public sealed class SelectorParserTests
{
    [Fact]
    public void Selector_WithEqualityMatchers_IsSortedAndNarrowerThanItsParent()
    {
        var good = SelectorParser.Parse("runs_total{result=\"success\", collector=\"a\"}")!;
        var total = SelectorParser.Parse("runs_total{collector=\"a\"}")!;

        Assert.Equal("runs_total{collector=\"a\", result=\"success\"}", good.Text);
        Assert.True(good.IsNarrowerThan(total));
        Assert.Null(SelectorParser.Parse("sum(runs_total)"));
        Assert.Null(SelectorParser.Parse("runs_total{result=~\"s.*\"}"));
    }
}
