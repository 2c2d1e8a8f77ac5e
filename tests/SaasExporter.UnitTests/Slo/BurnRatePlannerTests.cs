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
        Assert.Equal([Severity.Ticket, Severity.Ticket], tiers.Select(t => t.Severity));
    }

    [Fact]
    public void Plan_DailySlices_DropsTiersShorterThanASliceAndRaisesTheRestToWholeSlices()
    {
        var diagnostics = new Diagnostics();
        var slo = GaugeRatioSlo(TimeSpan.FromDays(7), TimeSpan.FromDays(1));

        var tiers = BurnRatePlanner.Plan(slo, diagnostics);

        Assert.Equal(["slow 1d/1d x1"], tiers.Select(t => $"{t.Name} {BurnRatePlanner.Describe(t)}"));
        Assert.Equal(
        [
            "x.yaml: SLO/s: spec.objectives[0].timeSliceWindow: tier fast (6h/30m x2.8) dropped: its long window 6h is shorter than the timeSliceWindow 1d, and Timeslices count only whole slices",
            "x.yaml: SLO/s: spec.objectives[0].timeSliceWindow: tier slow (1d/2h x1) counted in whole 1d slices: windows raised to 1d/1d",
        ], diagnostics.Warnings);
        Assert.Empty(diagnostics.Errors);
    }

    [Fact]
    public void Plan_HourlySlices_KeepsWindowsThatAreWholeSlices()
    {
        var diagnostics = new Diagnostics();

        var tiers = BurnRatePlanner.Plan(GaugeRatioSlo(TimeSpan.FromDays(28), TimeSpan.FromHours(1)), diagnostics);

        Assert.Equal(["fast 1d/2h x2.8", "slow 4d/8h x1"], tiers.Select(t => $"{t.Name} {BurnRatePlanner.Describe(t)}"));
        Assert.Empty(diagnostics.Warnings);
    }

    [Theory]
    [InlineData(1, "23h59m59s")]
    [InlineData(4, "3d23h59m59s")]
    public void SliceRange_IsOneSecondShortOfTheWindow(int days, string expected)
    {
        Assert.Equal(expected, RuleWriter.SliceRange(TimeSpan.FromDays(days)));
    }

    private static SloDefinition GaugeRatioSlo(TimeSpan period, TimeSpan slice)
    {
        var good = SelectorParser.Parse("saas_activation_activated_users")!;
        var total = SelectorParser.Parse("saas_activation_cohort_users")!;
        return new SloDefinition("x.yaml", "s", "s", "", "saas-crm", "product", period, "p", null, BudgetingMethod.Timeslices, 0.75m, 0.6m, slice,
            new SliDefinition(SliKind.GaugeRatio, null, null, null, good, null, total), [], 10);
    }
}
