namespace SaasExporter.Slo.Replay;

/// <summary>
/// An SLI's history on the evaluation grid as the generated rules see it: the error ratio of any window at every
/// evaluation (slo:sli_error:ratio_rate&lt;window&gt;), whether a long window saw enough events, and each month's tally.
/// </summary>
public abstract class SliHistory
{
    /// <summary>What one occurrence is: evaluations, slices or events.</summary>
    public abstract string Unit { get; }

    /// <summary>Whether any sample of the SLI lies in evaluations [<paramref name="first"/>, <paramref name="end"/>).</summary>
    public abstract bool HasData(int first, int end);

    public abstract double?[] ErrorRatios(TimeSpan window);

    /// <summary>The min-events guard of a counter ratio's alerts (slo:sli_total:increase of the long window); always true otherwise.</summary>
    public virtual bool EnoughEvents(TimeSpan longWindow, int k) => true;

    public abstract MonthTally Tally(ReplayMonth month);

    /// <summary>Reads what the SLO's kind needs from Prometheus with the rules' own expressions.</summary>
    public static async Task<SliHistory> ReadAsync(
        SloDefinition slo, IReadOnlyList<BurnTier> tiers, EvaluationGrid grid, IReadOnlyList<ReplayMonth> months, PrometheusRangeReader reader, CancellationToken cancellationToken) =>
        slo.Sli.Kind switch
        {
            SliKind.Threshold => new OccurrenceHistory(grid, await reader.RangeAsync(RuleWriter.GoodExpression(slo), grid, cancellationToken)),
            SliKind.GaugeRatio => new TimesliceHistory(slo, grid, await reader.RangeAsync(RuleWriter.RatioExpression(slo), grid, cancellationToken)),
            _ => await CounterHistory.ReadCountersAsync(slo, tiers, grid, months, reader, cancellationToken),
        };
}
