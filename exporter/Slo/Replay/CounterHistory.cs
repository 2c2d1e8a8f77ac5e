namespace SaasExporter.Slo.Replay;

/// <summary>
/// A ratio of counters: Prometheus computes each window's error ratio and event count with the rules' increase()
/// expressions (extrapolation and counter resets are its own), and each month's good and total events at the
/// month's end over the month.
/// </summary>
public sealed class CounterHistory(
    IReadOnlyDictionary<TimeSpan, double?[]> errors, IReadOnlyDictionary<TimeSpan, double?[]> events, int minEvents, IReadOnlyDictionary<ReplayMonth, MonthTally> tallies)
    : SliHistory
{
    public override string Unit => "events";

    public override bool HasData(int first, int end) =>
        events.Values.Any(series => series.Skip(first).Take(end - first).Any(v => v is not null)) || tallies.Values.Any(t => t.Total > 0);

    public override double?[] ErrorRatios(TimeSpan window) => errors[window];

    public override bool EnoughEvents(TimeSpan longWindow, int k) => events[longWindow][k] >= minEvents;

    public override MonthTally Tally(ReplayMonth month) => tallies[month];

    public static async Task<CounterHistory> ReadCountersAsync(
        SloDefinition slo, IReadOnlyList<BurnTier> tiers, EvaluationGrid grid, IReadOnlyList<ReplayMonth> months, PrometheusRangeReader reader, CancellationToken cancellationToken)
    {
        var sli = slo.Sli;
        var errors = new Dictionary<TimeSpan, double?[]>();
        foreach (var window in tiers.SelectMany(t => new[] { t.ShortWindow, t.LongWindow }).Distinct())
        {
            errors[window] = await reader.RangeAsync(RuleWriter.CounterErrorExpression(sli, Durations.Format(window)), grid, cancellationToken);
        }

        var events = new Dictionary<TimeSpan, double?[]>();
        foreach (var window in tiers.Select(t => t.LongWindow).Distinct())
        {
            events[window] = await reader.RangeAsync(RuleWriter.TotalIncreaseExpression(sli, Durations.Format(window)), grid, cancellationToken);
        }

        var tallies = new Dictionary<ReplayMonth, MonthTally>();
        foreach (var month in months)
        {
            var span = $"{(long)(month.To - month.From).TotalSeconds}s";
            var total = await reader.InstantAsync(RuleWriter.TotalIncreaseExpression(sli, span), month.To, cancellationToken) ?? 0;
            var good = sli.Good is not null
                ? await reader.InstantAsync($"{RuleWriter.PerProduct}({RuleWriter.Increase(sli.Good, span)})", month.To, cancellationToken) ?? 0
                : total - (await reader.InstantAsync($"{RuleWriter.PerProduct}({RuleWriter.Increase(sli.Bad!, span)})", month.To, cancellationToken) ?? 0);
            tallies[month] = new MonthTally(good, total);
        }

        return new CounterHistory(errors, events, slo.MinEvents, tallies);
    }
}
