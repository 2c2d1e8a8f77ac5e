namespace SaasExporter.Slo.Replay;

/// <summary>
/// One sample per evaluation, 1 when good and 0 when bad (slo:sli_good:bool), absent when the rule records nothing:
/// a window's error ratio is <c>1 - avg_over_time</c> of it, a month counts its evaluations.
/// </summary>
public sealed class OccurrenceHistory(EvaluationGrid grid, IReadOnlyList<double?> good) : SliHistory
{
    private readonly WindowSums sums = new(good);

    public override string Unit => "evaluations";

    public override bool HasData(int first, int end) => sums.Over(first, end - 1).Count > 0;

    public override double?[] ErrorRatios(TimeSpan window) => sums.ErrorRatios(grid.Steps(window));

    public override MonthTally Tally(ReplayMonth month)
    {
        var (count, sum) = sums.Over(grid.IndexAtOrAfter(month.From), grid.IndexAtOrAfter(month.To) - 1);
        return new MonthTally(sum, count);
    }
}
