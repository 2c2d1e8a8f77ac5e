namespace SaasExporter.Slo.Replay;

/// <summary>
/// A gauge ratio counted in time slices, as RuleWriter records it: the ratio per evaluation (slo:sli:ratio), good
/// when at least the slice target (slo:sli_good:bool, for windows shorter than a slice); the slice ratio is its
/// average over the slice (slo:sli_slice:ratio), and windows of a slice or more count the slices ending in
/// (t - window, t] at multiples of the slice since the epoch, as the rules' subquery does.
/// </summary>
public sealed class TimesliceHistory : SliHistory
{
    private readonly EvaluationGrid grid;
    private readonly TimeSpan slice;
    private readonly WindowSums ratios;
    private readonly OccurrenceHistory evaluations;
    private readonly WindowSums slices;

    public TimesliceHistory(SloDefinition slo, EvaluationGrid grid, IReadOnlyList<double?> ratio)
    {
        this.grid = grid;
        slice = slo.TimeSliceWindow!.Value;
        var target = (double)slo.TimeSliceTarget!.Value;
        ratios = new WindowSums(ratio);
        evaluations = new OccurrenceHistory(grid, [.. ratio.Select(r => r is { } value ? (value >= target ? 1 : 0) : (double?)null)]);
        var sliceSteps = grid.Steps(slice);
        var sliceGood = new double?[grid.Count];
        for (var k = 0; k < grid.Count; k++)
        {
            if (!grid.IsAligned(k, slice))
            {
                continue;
            }

            var (count, sum) = ratios.Over(k - sliceSteps, k);
            sliceGood[k] = count == 0 ? null : sum / count >= target ? 1 : 0;
        }

        slices = new WindowSums(sliceGood);
    }

    public override string Unit => "slices";

    public override bool HasData(int first, int end) => ratios.Over(first, end - 1).Count > 0;

    public override double?[] ErrorRatios(TimeSpan window) =>
        window >= slice ? slices.ErrorRatios(grid.Steps(window), leftOpen: true) : evaluations.ErrorRatios(window);

    /// <summary>The slices that end in the month: (from, to].</summary>
    public override MonthTally Tally(ReplayMonth month)
    {
        var (count, sum) = slices.Over(grid.IndexAtOrAfter(month.From.AddTicks(1)), grid.IndexAtOrAfter(month.To.AddTicks(1)) - 1);
        return new MonthTally(sum, count);
    }
}
