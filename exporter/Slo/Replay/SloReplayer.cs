namespace SaasExporter.Slo.Replay;

/// <summary>
/// Replays the generated rules over history: for each SLO and the tiers BurnRatePlanner gave it (the ones RuleWriter
/// writes), the SLI is read at every rule evaluation from a window's length before <c>from</c> (so the first
/// evaluations see full windows) to <c>to</c>; each tier's alert condition (short and long error ratio above factor
/// x error budget, and for a counter ratio enough events) is evaluated at every evaluation in [from, to) and its
/// firings found as the rule manager would, <c>for:</c> included.
/// </summary>
public static class SloReplayer
{
    public static async Task<ReplayReport> ReplayAsync(
        IReadOnlyList<(SloDefinition Slo, IReadOnlyList<BurnTier> Tiers)> slos, DateTimeOffset from, DateTimeOffset to, TimeSpan step,
        PrometheusRangeReader reader, CancellationToken cancellationToken)
    {
        var months = ReplayMonth.Between(from, to);
        var results = new List<ObjectiveResult>();
        foreach (var (slo, tiers) in slos)
        {
            results.Add(await ReplayAsync(slo, tiers, from, to, step, months, reader, cancellationToken));
        }

        return new ReplayReport(from, to, step, reader.Address, results);
    }

    private static async Task<ObjectiveResult> ReplayAsync(
        SloDefinition slo, IReadOnlyList<BurnTier> tiers, DateTimeOffset from, DateTimeOffset to, TimeSpan step, IReadOnlyList<ReplayMonth> months,
        PrometheusRangeReader reader, CancellationToken cancellationToken)
    {
        var slice = slo.TimeSliceWindow ?? TimeSpan.Zero;
        var warmUp = tiers.Select(t => t.LongWindow).Append(TimeSpan.Zero).Max() + slice;
        var grid = EvaluationGrid.Covering(from - warmUp, to, step);
        var history = await SliHistory.ReadAsync(slo, tiers, grid, months, reader, cancellationToken);
        var first = grid.IndexAtOrAfter(from);
        var end = grid.IndexAtOrAfter(to);
        if (!history.HasData(first, end))
        {
            return new ObjectiveResult(slo, history.Unit, HasData: false, [], []);
        }

        var tierResults = tiers.Select(tier => Replay(slo, tier, history, grid, first, end, to)).ToList();
        var monthResults = months.Select(month => new MonthResult(month, history.Tally(month), slo.Target, slo.ErrorBudget)).ToList();
        return new ObjectiveResult(slo, history.Unit, HasData: true, monthResults, tierResults);
    }

    /// <summary>The tier's alert expression at every evaluation, then its firings.</summary>
    public static TierResult Replay(SloDefinition slo, BurnTier tier, SliHistory history, EvaluationGrid grid, int first, int end, DateTimeOffset to)
    {
        // PromQL multiplies the two numbers of "(factor * error budget)" as float64.
        var threshold = (double)tier.Factor * (double)slo.ErrorBudget;
        var shortErrors = history.ErrorRatios(tier.ShortWindow);
        var longErrors = history.ErrorRatios(tier.LongWindow);
        var condition = new bool[grid.Count];
        for (var k = first; k < end; k++)
        {
            condition[k] = shortErrors[k] > threshold && longErrors[k] > threshold && history.EnoughEvents(tier.LongWindow, k);
        }

        return new TierResult(tier, threshold, AlertReplay.Firings(condition, grid, first, end, tier.For, to));
    }
}
