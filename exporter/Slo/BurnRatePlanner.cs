namespace SaasExporter.Slo;

/// <summary>
/// Chooses the multi-window multi-burn-rate tiers of an SLO. Without alert policies an SLO gets two ticket tiers whose
/// windows scale with the SLO period (study section 6.3): fast = 10% of the budget in about P/28, slow = burn 1 over
/// about P/7, long windows rounded to a ladder and short windows = long / 12. Paging is an explicit opt-in: an SLO
/// pages only through an alert policy whose AlertCondition says <c>severity: page</c> (issue 16: a business KPI
/// never wakes the SRE on-call by default). A tier whose factor times the error budget is 1 or more cannot fire (the
/// error ratio never exceeds 1) and is dropped with a warning.
/// </summary>
public static class BurnRatePlanner
{
    private static readonly TimeSpan[] Ladder =
        [.. new[] { 1, 2, 3, 6, 12, 24, 48, 72, 96, 168, 336, 672 }.Select(h => TimeSpan.FromHours(h))];

    public static IReadOnlyList<BurnTier> DefaultTiers(TimeSpan period)
    {
        var fast = Tier("fast", Severity.Ticket, period, period / 28, 0.10m);
        var slowLong = Nearest(period / 7);
        var slow = new BurnTier("slow", Severity.Ticket, slowLong, Short(slowLong), 1m, TimeSpan.Zero);
        return [fast, slow];
    }

    /// <summary>The tiers that can fire; a warning per dropped tier.</summary>
    public static IReadOnlyList<BurnTier> Plan(SloDefinition slo, Diagnostics diagnostics)
    {
        var candidates = slo.ExplicitTiers.Count > 0 ? slo.ExplicitTiers : DefaultTiers(slo.Period);
        var field = slo.ExplicitTiers.Count > 0 ? "spec.alertPolicies" : "spec.objectives[0].target";
        var kept = new List<BurnTier>();
        foreach (var candidate in candidates)
        {
            var tier = slo.TimeSliceWindow is { } slice ? InSlices(slo, candidate, slice, diagnostics) : candidate;
            if (tier is null)
            {
                continue;
            }

            var threshold = tier.Factor * slo.ErrorBudget;
            if (threshold >= 1m)
            {
                diagnostics.Warning(slo.File, $"SLO/{slo.Name}", field,
                    $"tier {tier.Name} ({Describe(tier)}) cannot fire: {SliSemantics.Number(tier.Factor)} x error budget {SliSemantics.Number(slo.ErrorBudget)} = {SliSemantics.Number(threshold)} >= 1; dropped");
                continue;
            }

            kept.Add(tier);
        }

        if (kept.Count == 0 && slo.TimeSliceWindow is { } sliceWindow && candidates.All(t => t.LongWindow < sliceWindow))
        {
            diagnostics.Error(slo.File, $"SLO/{slo.Name}", field,
                $"no burn-rate tier has a long window of at least one time slice ({Durations.Format(sliceWindow)}): give alertPolicies with longer lookbackWindows or a shorter timeSliceWindow");
        }
        else if (kept.Count == 0)
        {
            diagnostics.Error(slo.File, $"SLO/{slo.Name}", field,
                $"no burn-rate tier can fire with error budget {SliSemantics.Number(slo.ErrorBudget)} (every factor x budget >= 1): lower the target or the factors");
        }

        return kept;
    }

    /// <summary>
    /// Timeslices count whole slices: a tier's windows become whole numbers of slices. A long window shorter than one
    /// slice would hold no complete slice, so the tier is dropped; other windows are raised to the next whole number
    /// of slices (the short window to at least one slice). Each change is a warning naming the tier and why.
    /// </summary>
    private static BurnTier? InSlices(SloDefinition slo, BurnTier tier, TimeSpan slice, Diagnostics diagnostics)
    {
        const string field = "spec.objectives[0].timeSliceWindow";
        if (tier.LongWindow < slice)
        {
            diagnostics.Warning(slo.File, $"SLO/{slo.Name}", field,
                $"tier {tier.Name} ({Describe(tier)}) dropped: its long window {Durations.Format(tier.LongWindow)} is shorter than the timeSliceWindow {Durations.Format(slice)}, and Timeslices count only whole slices");
            return null;
        }

        var longWindow = RoundUp(tier.LongWindow, slice);
        var shortWindow = RoundUp(tier.ShortWindow, slice);
        if (longWindow == tier.LongWindow && shortWindow == tier.ShortWindow)
        {
            return tier;
        }

        var raised = tier with { LongWindow = longWindow, ShortWindow = shortWindow };
        diagnostics.Warning(slo.File, $"SLO/{slo.Name}", field,
            $"tier {tier.Name} ({Describe(tier)}) counted in whole {Durations.Format(slice)} slices: windows raised to {Durations.Format(longWindow)}/{Durations.Format(shortWindow)}");
        return raised;
    }

    private static TimeSpan RoundUp(TimeSpan window, TimeSpan slice) =>
        TimeSpan.FromTicks(Math.Max(1, (window.Ticks + slice.Ticks - 1) / slice.Ticks) * slice.Ticks);

    public static string Describe(BurnTier tier) =>
        $"{Durations.Format(tier.LongWindow)}/{Durations.Format(tier.ShortWindow)} x{SliSemantics.Number(tier.Factor)}";

    private static BurnTier Tier(string name, Severity severity, TimeSpan period, TimeSpan ideal, decimal budgetFraction)
    {
        var longWindow = Nearest(ideal);
        var factor = Math.Round(budgetFraction * (decimal)(period / longWindow), 4);
        return new BurnTier(name, severity, longWindow, Short(longWindow), factor, TimeSpan.Zero);
    }

    private static TimeSpan Short(TimeSpan longWindow) => TimeSpan.FromMinutes(Math.Max(1, Math.Round(longWindow.TotalMinutes / 12)));

    private static TimeSpan Nearest(TimeSpan ideal) =>
        Ladder.MinBy(w => Math.Abs(Math.Log(w.TotalHours / ideal.TotalHours)));
}
