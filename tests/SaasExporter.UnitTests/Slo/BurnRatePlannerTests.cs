using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

public sealed class BurnRatePlannerTests
{
    [Theory]
    [InlineData(28, "1d/2h x2.8", "4d/8h x1")]
    [InlineData(30, "1d/2h x3", "4d/8h x1")]
    [InlineData(7, "6h/30m x2.8", "1d/2h x1")]
    [InlineData(90, "3d/6h x3", "14d/28h x1")]
    public void DefaultTiers_AreTwoTicketTiersScaledWithThePeriod(int days, string fast, string slow)
    {
        var tiers = BurnRatePlanner.DefaultTiers(TimeSpan.FromDays(days));

        Assert.Equal([fast, slow], tiers.Select(BurnRatePlanner.Describe));
        Assert.Equal(["ticket", "ticket"], tiers.Select(t => t.Severity));
    }

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

    [Fact]
    public void Encode_UsesPromtoolExpandingNotation()
    {
        Assert.Equal("1x2 0 1000+10x3", TestWriter.Encode([1, 1, 1, 0, 1000, 1010, 1020, 1030]));
    }
}
