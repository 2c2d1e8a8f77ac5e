using System.Text;
using System.Text.Json;

namespace SaasExporter.Slo.Replay;

/// <summary>The replay as JSON for machines: the same figures as the Markdown, instants in ISO-8601 UTC, durations in seconds.</summary>
public static class ReplayJson
{
    public static string Write(ReplayReport report)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("from", ReplayText.Instant(report.From));
            json.WriteString("to", ReplayText.Instant(report.To));
            json.WriteNumber("stepSeconds", report.Step.TotalSeconds);
            json.WriteString("prometheus", report.Prometheus.ToString());
            json.WriteStartArray("objectives");
            foreach (var objective in report.Objectives)
            {
                Objective(json, objective);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Objective(Utf8JsonWriter json, ObjectiveResult objective)
    {
        var slo = objective.Slo;
        json.WriteStartObject();
        json.WriteString("name", slo.Name);
        json.WriteString("service", slo.Service);
        json.WriteNumber("target", slo.Target);
        json.WriteString("budgetingMethod", slo.BudgetingMethod.ToString());
        json.WriteString("timeWindow", $"{slo.PeriodText}-{(slo.Calendar is null ? "rolling" : "calendar")}");
        json.WriteString("unit", objective.Unit);
        json.WriteBoolean("hasData", objective.HasData);
        json.WriteStartArray("months");
        foreach (var month in objective.Months)
        {
            json.WriteStartObject();
            json.WriteString("month", month.Month.Name);
            json.WriteString("from", ReplayText.Instant(month.Month.From));
            json.WriteString("to", ReplayText.Instant(month.Month.To));
            json.WriteBoolean("partial", month.Month.Partial);
            json.WriteNumber("good", month.Tally.Good);
            json.WriteNumber("total", month.Tally.Total);
            Nullable(json, "attainment", month.Attainment);
            Nullable(json, "errorBudgetLeft", month.BudgetLeft);
            if (month.Met is { } met)
            {
                json.WriteBoolean("met", met);
            }
            else
            {
                json.WriteNull("met");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("tiers");
        var healthyPages = objective.PagesOnHealthyMonths.ToList();
        foreach (var tier in objective.Tiers)
        {
            Tier(json, objective, tier, healthyPages.Where(p => p.Tier == tier).Select(p => p.Month.Month.Name));
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Tier(Utf8JsonWriter json, ObjectiveResult objective, TierResult tier, IEnumerable<string> healthyMonthPages)
    {
        json.WriteStartObject();
        json.WriteString("name", tier.Tier.Name);
        json.WriteString("severity", tier.Tier.Severity.Text());
        json.WriteString("longWindow", Durations.Format(tier.Tier.LongWindow));
        json.WriteString("shortWindow", Durations.Format(tier.Tier.ShortWindow));
        json.WriteNumber("factor", tier.Tier.Factor);
        json.WriteNumber("errorRatioThreshold", tier.Tier.Factor * objective.Slo.ErrorBudget);
        json.WriteNumber("forSeconds", tier.Tier.For.TotalSeconds);
        json.WriteStartArray("months");
        foreach (var month in objective.Months)
        {
            json.WriteStartObject();
            json.WriteString("month", month.Month.Name);
            json.WriteNumber("firings", tier.StartedIn(month.Month).Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("firings");
        foreach (var firing in tier.Firings)
        {
            json.WriteStartObject();
            json.WriteString("month", objective.Months.First(m => m.Month.Contains(firing.Start)).Month.Name);
            json.WriteString("pendingSince", ReplayText.Instant(firing.PendingSince));
            json.WriteString("start", ReplayText.Instant(firing.Start));
            json.WriteString("end", ReplayText.Instant(firing.End));
            json.WriteNumber("durationSeconds", firing.Duration.TotalSeconds);
            json.WriteBoolean("ongoing", firing.Ongoing);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("healthyMonthPages");
        foreach (var month in healthyMonthPages)
        {
            json.WriteStringValue(month);
        }

        json.WriteEndArray();
        if (healthyMonthPages.Any())
        {
            json.WriteString("problem", ObjectiveResult.HealthyMonthPage);
        }

        json.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
