namespace SaasExporter.Slo.Replay;

/// <summary>One SLO's replay: its months and tiers, or no data when Prometheus has no SLI sample in the range.</summary>
public sealed record ObjectiveResult(SloDefinition Slo, string Unit, bool HasData, IReadOnlyList<MonthResult> Months, IReadOnlyList<TierResult> Tiers)
{
    public const string HealthyMonthPage = "would page on a healthy month: tighten the tier or the objective";

    /// <summary>
    /// The tiers that fired in a month that met the objective: the objective's problem, not the on-call's (issue 19).
    /// </summary>
    public IEnumerable<(TierResult Tier, MonthResult Month)> PagesOnHealthyMonths =>
        from month in Months
        where month.Met == true
        from tier in Tiers
        where tier.StartedIn(month.Month).Count > 0
        select (tier, month);
}
