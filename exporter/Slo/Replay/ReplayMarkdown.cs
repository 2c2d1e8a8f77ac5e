using System.Globalization;
using System.Text;

namespace SaasExporter.Slo.Replay;

/// <summary>The replay as Markdown a person reads before enabling or changing an objective.</summary>
public static class ReplayMarkdown
{
    public static string Write(ReplayReport report)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"# SLO replay {ReplayText.Instant(report.From)} to {ReplayText.Instant(report.To)}\n\n");
        b.Append(CultureInfo.InvariantCulture, $"History from Prometheus at {report.Prometheus}, one rule evaluation every {Durations.Format(report.Step)}. ");
        b.Append("Months are calendar months in UTC; a firing counts in the month it starts.\n");
        foreach (var objective in report.Objectives)
        {
            Objective(b, objective);
        }

        return b.ToString();
    }

    private static void Objective(StringBuilder b, ObjectiveResult objective)
    {
        var slo = objective.Slo;
        b.Append(CultureInfo.InvariantCulture,
            $"\n## {slo.Name} ({slo.Service}): target {SliSemantics.Number(slo.Target)} of {objective.Unit}, {slo.BudgetingMethod} over {slo.PeriodText} ({(slo.Calendar is null ? "rolling" : "calendar")})\n\n");
        if (!objective.HasData)
        {
            b.Append(CultureInfo.InvariantCulture, $"No data: Prometheus has no sample of {string.Join(", ", slo.Sli.Inputs.Select(s => s.Text).Distinct())} in the range.\n");
            return;
        }

        b.Append(CultureInfo.InvariantCulture, $"| Month | {Capitalised(objective.Unit)} | Attainment | Objective | Error budget left at month end |\n");
        b.Append("|---|---:|---:|---|---:|\n");
        foreach (var month in objective.Months)
        {
            var met = month.Met switch { true => "met", false => "missed", null => "no data" };
            b.Append(CultureInfo.InvariantCulture,
                $"| {month.Month.Name}{(month.Month.Partial ? " (part)" : "")} | {ReplayText.Number(month.Tally.Total)} | {ReplayText.Percent(month.Attainment)} | {met} | {ReplayText.Percent(month.BudgetLeft)} |\n");
        }

        b.Append("\n| Tier | Severity | Windows | Error ratio above | for | Month | Firings | Fired at (for how long) |\n");
        b.Append("|---|---|---|---:|---|---|---:|---|\n");
        foreach (var tier in objective.Tiers)
        {
            foreach (var month in objective.Months)
            {
                var firings = tier.StartedIn(month.Month);
                var when = string.Join("; ", firings.Select(f => $"{ReplayText.Instant(f.Start)} ({ReplayText.Duration(f.Duration)}{(f.Ongoing ? ", still firing at the end" : "")})"));
                b.Append(CultureInfo.InvariantCulture,
                    $"| {tier.Tier.Name} | {tier.Tier.Severity.Text()} | {BurnRatePlanner.Describe(tier.Tier)} | {SliSemantics.Number(tier.Tier.Factor * slo.ErrorBudget)} | {(tier.Tier.For > TimeSpan.Zero ? Durations.Format(tier.Tier.For) : "-")} | {month.Month.Name} | {firings.Count} | {when} |\n");
            }
        }

        foreach (var (tier, month) in objective.PagesOnHealthyMonths)
        {
            b.Append(CultureInfo.InvariantCulture,
                $"\n**{tier.Tier.Name} {ObjectiveResult.HealthyMonthPage}.** {month.Month.Name} met the objective ({ReplayText.Percent(month.Attainment)}) yet the {tier.Tier.Severity.Text()} tier fired {tier.StartedIn(month.Month).Count} time(s).\n");
        }
    }

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
