using System.Globalization;
using System.Text.RegularExpressions;
using SaasExporter.Files;

namespace SaasExporter.Slo;

/// <summary>OpenSLO kind SLO: its metadata annotations, budgeting method, indicator and the rules across its spec.</summary>
public sealed partial class OpenSloReader
{
    private SloDefinition? ReadSlo(OpenSloDocument slo)
    {
        var errorsBefore = diagnostics.Errors.Count;
        var spec = Fields(slo);
        if (spec is null)
        {
            return null;
        }

        // Any team may own an SLO: its alerts carry team, and prometheus/alertmanager.yml routes each team by convention
        // (docs/alerts.md), so the value must be safe in a label matcher and a receiver name.
        var team = slo.Labels.GetValueOrDefault("team");
        if (team is null || !TeamName().IsMatch(team))
        {
            diagnostics.Error(slo.File, slo.Subject, "metadata.labels.team", team is null
                ? "required: the team that owns the SLO, used to route its alerts (for example product or sre)"
                : $"'{team}' must be lowercase letters, digits, '-' or '_', starting with a letter, at most 63 characters");
        }

        var minEvents = ReadMinimum(slo, MinEventsAnnotation);
        var minPopulation = ReadMinimum(slo, MinPopulationAnnotation);

        var description = spec.String("description") ?? "";
        if (description.Length > 1050)
        {
            spec.Error("description", "longer than 1050 characters");
        }

        var service = spec.String("service", required: true);
        var sli = ReadIndicator(slo, spec);
        var (period, periodText, calendar) = ReadTimeWindow(spec);
        var method = ReadBudgetingMethod(spec);

        var objective = ReadObjective(spec, sli, method);
        var tiers = ReadAlertPolicies(slo, spec);
        spec.Allow("alertPolicies");
        spec.RejectUnknown();

        if (sli is not null && sli.Kind != SliKind.CounterRatio && slo.Annotations.ContainsKey(MinEventsAnnotation))
        {
            diagnostics.Error(slo.File, slo.Subject, $"metadata.annotations.{MinEventsAnnotation}",
                $"only applies to a ratioMetric of counters (counter: true); a ratio of gauges takes {MinPopulationAnnotation}");
        }

        if (sli is not null && sli.Kind != SliKind.GaugeRatio && slo.Annotations.ContainsKey(MinPopulationAnnotation))
        {
            diagnostics.Error(slo.File, slo.Subject, $"metadata.annotations.{MinPopulationAnnotation}",
                $"only applies to a ratioMetric of gauges (counter: false){(sli.Kind == SliKind.CounterRatio ? $"; a ratio of counters takes {MinEventsAnnotation}" : "")}");
        }

        var businessDays = false;
        if (slo.Annotations.TryGetValue(BusinessDaysAnnotation, out var businessText))
        {
            if (businessText is not ("true" or "false"))
            {
                diagnostics.Error(slo.File, slo.Subject, $"metadata.annotations.{BusinessDaysAnnotation}", $"'{businessText}' must be true or false");
            }
            else if (sli is not null && sli.Kind != SliKind.Threshold)
            {
                diagnostics.Error(slo.File, slo.Subject, $"metadata.annotations.{BusinessDaysAnnotation}", "only applies to a thresholdMetric (one occurrence per evaluation)");
            }

            businessDays = businessText == "true";
        }

        if (calendar is not null && method == BudgetingMethod.Timeslices)
        {
            spec.Error("timeWindow[0].calendar", "calendar windows are not supported with Timeslices (a slice ending at a period boundary would count in the next period): use a rolling timeWindow");
        }

        if (objective is { SliceWindow: { } slice } && period is { } length)
        {
            var objectiveFields = $"objectives[0].timeSliceWindow";
            if (TimeSpan.FromDays(1).Ticks % slice.Ticks != 0 || slice < TimeSpan.FromMinutes(1))
            {
                spec.Error(objectiveFields, $"'{Durations.Format(slice)}' must divide a day and be at least 1m (1m, 5m, 1h, 1d...), so slices align to UTC boundaries");
            }
            else if (length.Ticks % slice.Ticks != 0)
            {
                spec.Error(objectiveFields, $"'{Durations.Format(slice)}' must divide the timeWindow duration {periodText} so the budget is a whole number of slices");
            }
        }

        if (calendar is not null && sli is not null && sli.Kind == SliKind.CounterRatio)
        {
            spec.Error("timeWindow[0].calendar", "calendar windows need a per-evaluation SLI (thresholdMetric, or ratioMetric with Timeslices)");
        }

        if (diagnostics.Errors.Count > errorsBefore || sli is null || objective is null || service is null || method is null || period is null)
        {
            return null;
        }

        sli = sli.Kind == SliKind.Threshold ? sli with { Op = objective.Op, Threshold = objective.Value } : sli;
        return new SloDefinition(slo.File, slo.Name, slo.DisplayName ?? slo.Name, description, service, team!, period.Value, periodText!,
            calendar, method.Value, objective.Target, objective.SliceTarget, objective.SliceWindow, sli, tiers, sli.Kind == SliKind.GaugeRatio ? minPopulation : minEvents)
        {
            BusinessDays = businessDays,
        };
    }

    private static BudgetingMethod? ReadBudgetingMethod(YamlFields spec)
    {
        var method = spec.String("budgetingMethod", required: true);
        switch (method)
        {
            case null:
                return null;
            case "Occurrences":
                return BudgetingMethod.Occurrences;
            case "Timeslices":
                return BudgetingMethod.Timeslices;
            case "RatioTimeslices":
                spec.Error("budgetingMethod", "RatioTimeslices is not supported by this compiler: use Timeslices or Occurrences");
                return null;
            default:
                spec.Error("budgetingMethod", $"'{method}' must be Occurrences, Timeslices or RatioTimeslices");
                return null;
        }
    }

    /// <summary>A minimum-volume annotation: a positive integer, 10 when absent.</summary>
    private int ReadMinimum(OpenSloDocument slo, string annotation)
    {
        if (!slo.Annotations.TryGetValue(annotation, out var text))
        {
            return DefaultMinimum;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minimum) || minimum < 1)
        {
            diagnostics.Error(slo.File, slo.Subject, $"metadata.annotations.{annotation}", $"'{text}' must be a positive integer");
        }

        return minimum;
    }

    private SliDefinition? ReadIndicator(OpenSloDocument slo, YamlFields spec)
    {
        var inline = spec.Node("indicator");
        var reference = spec.String("indicatorRef");
        if ((inline is null) == (reference is null))
        {
            spec.Error("indicator", "exactly one of indicator and indicatorRef is required");
            return null;
        }

        if (reference is not null)
        {
            // Errors of a referenced SLI are reported once, against the SLI itself.
            if (!slis.TryGetValue(reference, out var sli))
            {
                spec.Error("indicatorRef", $"unresolved SLI '{reference}'");
            }

            return sli;
        }

        var envelope = OpenSloParser.ParseEnvelope(slo.File, slo.Subject, inline!, diagnostics, spec.PathOf("indicator"), "SLI", keepSubject: true);
        if (envelope is null)
        {
            return null;
        }

        var fields = YamlFields.Of(envelope.Spec, envelope.SpecPath, (at, field, message) => diagnostics.Error(slo.File, slo.Subject, field, message, at));
        return fields is null ? null : ReadSli(fields);
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex TeamName();
}
