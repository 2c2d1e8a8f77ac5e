using System.Globalization;
using SaasExporter.Slo;
using SaasExporter.Slo.Replay;

namespace SaasExporter.UnitTests.Slo.Replay;

/// <summary>The alert state machine of slo replay: pending, for:, firing and resolution as Prometheus' rule manager does them.</summary>
public sealed class SloReplayAlertTests
{
    private static readonly DateTimeOffset Start = At("2026-01-31T00:00:00Z");
    private static readonly EvaluationGrid Hourly = new(Start, TimeSpan.FromHours(1), 48);

    [Fact]
    public void Firings_ConditionHeldShorterThanFor_NeverFires()
    {
        var condition = Condition(48, (2, 5));

        var firings = AlertReplay.Firings(condition, Hourly, 0, 48, TimeSpan.FromHours(3), Hourly.At(48));

        Assert.Empty(firings);
    }

    [Fact]
    public void Firings_ConditionHeldForFor_FiresForAfterItBecamePendingAndResolvesAtTheFirstEvaluationWithout()
    {
        var condition = Condition(48, (2, 8));

        var firing = Assert.Single(AlertReplay.Firings(condition, Hourly, 0, 48, TimeSpan.FromHours(3), Hourly.At(48)));

        Assert.Equal(new Firing(Hourly.At(2), Hourly.At(5), Hourly.At(8), Ongoing: false), firing);
        Assert.Equal(TimeSpan.FromHours(3), firing.Duration);
    }

    [Fact]
    public void Firings_WithoutFor_FireAtTheFirstEvaluationWithTheCondition()
    {
        var condition = Condition(48, (2, 4), (10, 11));

        var firings = AlertReplay.Firings(condition, Hourly, 0, 48, TimeSpan.Zero, Hourly.At(48));

        Assert.Equal([(Hourly.At(2), Hourly.At(4)), (Hourly.At(10), Hourly.At(11))], firings.Select(f => (f.Start, f.End)));
    }

    [Fact]
    public void Firings_ConditionBrokenWhilePending_StartsForOver()
    {
        var condition = Condition(48, (0, 3), (4, 9));

        var firing = Assert.Single(AlertReplay.Firings(condition, Hourly, 0, 48, TimeSpan.FromHours(3), Hourly.At(48)));

        Assert.Equal((Hourly.At(4), Hourly.At(7), Hourly.At(9)), (firing.PendingSince, firing.Start, firing.End));
    }

    [Fact]
    public void Firings_StillFiringWhenTheReplayEnds_LastUntilTheEndAndAreOngoing()
    {
        var condition = Condition(48, (40, 48));

        var firing = Assert.Single(AlertReplay.Firings(condition, Hourly, 0, 48, TimeSpan.FromHours(1), Hourly.At(48)));

        Assert.Equal(new Firing(Hourly.At(40), Hourly.At(41), Hourly.At(48), Ongoing: true), firing);
    }

    [Fact]
    public void Firings_BeforeTheFirstReplayedEvaluation_AreNotReplayed()
    {
        var condition = Condition(48, (0, 6));

        var firing = Assert.Single(AlertReplay.Firings(condition, Hourly, 3, 48, TimeSpan.FromHours(1), Hourly.At(48)));

        Assert.Equal((Hourly.At(3), Hourly.At(4)), (firing.PendingSince, firing.Start));
    }

    [Fact]
    public void Firing_SpanningAMonthEdge_CountsInTheMonthItStartsAndLastsIntoTheNext()
    {
        // Pending from January 31 at 20:00, firing after for: 2h at 22:00, resolved on February 1 at 03:00.
        var condition = Condition(48, (20, 27));
        var months = ReplayMonth.Between(Hourly.Start, Hourly.At(48));

        var firings = AlertReplay.Firings(condition, Hourly, 0, 48, TimeSpan.FromHours(2), Hourly.At(48));
        var tier = new TierResult(new BurnTier("fast", Severity.Page, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 5m, TimeSpan.FromHours(2)), 0.5, firings);

        Assert.Equal(["2026-01", "2026-02"], months.Select(m => m.Name));
        var firing = Assert.Single(tier.StartedIn(months[0]));
        Assert.Empty(tier.StartedIn(months[1]));
        Assert.Equal((At("2026-01-31T22:00:00Z"), At("2026-02-01T03:00:00Z")), (firing.Start, firing.End));
        Assert.Equal(TimeSpan.FromHours(5), firing.Duration);
    }

    [Fact]
    public void PagesOnHealthyMonths_AreTheTiersThatFiredInAMonthThatMetTheTarget()
    {
        var months = ReplayMonth.Between(Hourly.Start, Hourly.At(48));
        var firings = AlertReplay.Firings(Condition(48, (2, 4), (30, 31)), Hourly, 0, 48, TimeSpan.Zero, Hourly.At(48));
        var tier = new TierResult(new BurnTier("burst", Severity.Page, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 5m, TimeSpan.Zero), 0.5, firings);
        var missedJanuary = new MonthResult(months[0], new MonthTally(20, 24), 0.9m, 0.1m);
        var metFebruary = new MonthResult(months[1], new MonthTally(23, 24), 0.9m, 0.1m);

        var objective = new ObjectiveResult(Slo(), "evaluations", HasData: true, [missedJanuary, metFebruary], [tier]);

        var (flaggedTier, flaggedMonth) = Assert.Single(objective.PagesOnHealthyMonths);
        Assert.Equal((tier, metFebruary), (flaggedTier, flaggedMonth));
        Assert.Equal((false, true), (missedJanuary.Met, metFebruary.Met));
        Assert.Equal(1 - ((1 - (23.0 / 24)) / 0.1), metFebruary.BudgetLeft!.Value, 12);
    }

    private static bool[] Condition(int count, params (int From, int To)[] spans)
    {
        var condition = new bool[count];
        foreach (var (from, to) in spans)
        {
            for (var k = from; k < to; k++)
            {
                condition[k] = true;
            }
        }

        return condition;
    }

    internal static SloDefinition Slo(decimal target = 0.9m)
    {
        var value = SelectorParser.Parse("saas_active_users{entity=\"user\", window=\"1d\"}")!;
        return new SloDefinition("x.yaml", "dau", "DAU", "", "saas-crm", "product", TimeSpan.FromDays(28), "4w", null, BudgetingMethod.Occurrences, target, null, null,
            new SliDefinition(SliKind.Threshold, value, ThresholdOperator.Gte, 100m, null, null, null), [], 0);
    }

    internal static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();
}
