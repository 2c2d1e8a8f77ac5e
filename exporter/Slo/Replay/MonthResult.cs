namespace SaasExporter.Slo.Replay;

/// <summary>
/// An SLO's month: its tally, the attainment (good / counted), whether it met the target, and the error budget left
/// at the month's end, 1 - (1 - attainment) / error budget: 1 untouched, 0 spent, below 0 overspent.
/// </summary>
public sealed record MonthResult(ReplayMonth Month, MonthTally Tally, decimal Target, decimal ErrorBudget)
{
    public double? Attainment => Tally.Attainment;

    public double? BudgetLeft => Attainment is { } attained ? 1 - ((1 - attained) / (double)ErrorBudget) : null;

    public bool? Met => Attainment is { } attained ? attained >= (double)Target : null;
}
