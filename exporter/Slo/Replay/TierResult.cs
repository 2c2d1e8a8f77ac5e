namespace SaasExporter.Slo.Replay;

/// <summary>
/// A burn-rate tier as the planner made it (windows, factor, <c>for:</c>), its error-ratio threshold as the alert
/// compares with it (factor x error budget, in floating point like PromQL; reports print the decimal product), and its firings over the replay.
/// </summary>
public sealed record TierResult(BurnTier Tier, double Threshold, IReadOnlyList<Firing> Firings)
{
    /// <summary>The firings that started in <paramref name="month"/>: a firing belongs to the month it starts in.</summary>
    public IReadOnlyList<Firing> StartedIn(ReplayMonth month) => [.. Firings.Where(f => month.Contains(f.Start))];
}
