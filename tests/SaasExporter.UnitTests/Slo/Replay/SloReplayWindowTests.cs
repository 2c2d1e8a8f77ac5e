using SaasExporter.Slo;
using SaasExporter.Slo.Replay;
using static SaasExporter.UnitTests.Slo.Replay.SloReplayAlertTests;

namespace SaasExporter.UnitTests.Slo.Replay;

/// <summary>The error ratios slo replay computes as the generated rules do: windows, gaps, slices and month tallies.</summary>
public sealed class SloReplayWindowTests
{
    private static readonly EvaluationGrid Minutes = new(At("2026-01-31T23:50:00Z"), TimeSpan.FromMinutes(1), 20);

    [Fact]
    public void ErrorRatios_OfAWindow_HoldBothEndsAndSkipEvaluationsWithoutASample()
    {
        // Good, bad, gap, bad, good at minutes 0..4: the 2m window at minute 3 holds minutes 1..3, of which 2 samples (both bad).
        var history = new OccurrenceHistory(Minutes, Pad(1, 0, null, 0, 1));

        var errors = history.ErrorRatios(TimeSpan.FromMinutes(2));

        Assert.Equal([0, 0.5, 0.5, 1, 0.5], errors.Take(5));
    }

    [Fact]
    public void ErrorRatios_WithoutAnySampleInTheWindow_AreAbsent()
    {
        var history = new OccurrenceHistory(Minutes, Pad(0, null, null, null, 1));

        var errors = history.ErrorRatios(TimeSpan.FromMinutes(2));

        Assert.Equal([1, 1, 1, null, 0], errors.Take(5));
    }

    [Fact]
    public void Tally_OfAMonth_CountsItsEvaluationsFromItsStartUntilTheNextMonth()
    {
        // 23:50 to 23:59 in January (3 bad of 10), 00:00 to 00:09 in February (1 bad, 1 without a sample).
        var history = new OccurrenceHistory(Minutes, [1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, null, 1, 1, 1, 1, 1, 1, 1, 1]);
        var months = ReplayMonth.Between(Minutes.Start, Minutes.At(20));

        Assert.Equal([new MonthTally(7, 10), new MonthTally(8, 9)], months.Select(history.Tally));
        Assert.Equal([true, true], months.Select(m => m.Partial));
    }

    [Fact]
    public void Timeslices_CountTheSlicesEndingInTheWindowAtMultiplesOfTheSlice()
    {
        // 5-minute slices, good when the average ratio over [end - 5m, end] is >= 0.6.
        var slo = SloReplayAlertTests.Slo() with
        {
            BudgetingMethod = BudgetingMethod.Timeslices,
            TimeSliceTarget = 0.6m,
            TimeSliceWindow = TimeSpan.FromMinutes(5),
            Sli = new SliDefinition(SliKind.GaugeRatio, null, null, null, SelectorParser.Parse("good")!, null, SelectorParser.Parse("total")!),
        };
        // Slices end at minutes 0 (23:50), 5, 10 and 15 of the grid; minutes 6..10 hold 0.2, all others 0.9.
        var ratios = Enumerable.Range(0, 20).Select(k => k is >= 6 and <= 10 ? 0.2 : (double?)0.9).ToList();
        var history = new TimesliceHistory(slo, Minutes, ratios);

        var errors = history.ErrorRatios(TimeSpan.FromMinutes(10));
        var perEvaluation = history.ErrorRatios(TimeSpan.FromMinutes(2));

        // Slice ends: 0 and 5 good (all 0.9); 10 bad ((0.9 + 5 x 0.2) / 6 = 0.32); 15 good ((0.2 + 5 x 0.9) / 6 = 0.78).
        // The 10m window at minute 10 holds the ends in (0, 10]: 5 and 10, not 0 (the subquery's range is 1s short).
        Assert.Equal([0, 0.5, 0.5, 0.5], new[] { errors[9], errors[10], errors[14], errors[15] });
        Assert.Equal(1.0, perEvaluation[8]);
        Assert.Equal(2.0 / 3, perEvaluation[11]!.Value, 12);
        // January holds the slices ending in (23:50, 00:00]: 5 and 10; February (00:00, 00:09] the one ending at 15.
        var months = ReplayMonth.Between(Minutes.Start, Minutes.At(19));
        Assert.Equal([new MonthTally(1, 2), new MonthTally(1, 1)], months.Select(history.Tally));
    }

    [Fact]
    public void Replay_ErrorRatioEqualToTheThreshold_DoesNotFire()
    {
        // burn 5 x 0.1 = 0.5: one bad sample of two in the 1m window is exactly 0.5, and the alert wants more.
        var slo = SloReplayAlertTests.Slo();
        var tier = new BurnTier("burst", Severity.Page, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), 5m, TimeSpan.Zero);
        var history = new OccurrenceHistory(Minutes, Pad(1, 0, 1, 0, 0, 1));

        var result = SloReplayer.Replay(slo, tier, history, Minutes, 0, 20, Minutes.At(20));

        Assert.Equal(0.5, result.Threshold);
        var firing = Assert.Single(result.Firings);
        Assert.Equal((Minutes.At(4), Minutes.At(5)), (firing.Start, firing.End));
    }

    private static double?[] Pad(params double?[] values) => [.. values, .. Enumerable.Repeat<double?>(1, Minutes.Count - values.Length)];
}
