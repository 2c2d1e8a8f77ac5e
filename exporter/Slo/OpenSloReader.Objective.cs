using System.Globalization;
using SaasExporter.Files;

namespace SaasExporter.Slo;

/// <summary>OpenSLO an SLO's one objective, as a typed <see cref="Objective"/>.</summary>
public sealed partial class OpenSloReader
{
    private Objective? ReadObjective(YamlFields spec, SliDefinition? sli, BudgetingMethod? method)
    {
        var objectives = spec.List("objectives", required: true);
        if (objectives is null)
        {
            return null;
        }

        if (objectives.Count != 1)
        {
            spec.Error("objectives", $"exactly one objective is supported, got {objectives.Count}");
            return null;
        }

        var objective = YamlFields.Of(objectives[0], spec.PathOf("objectives[0]"), spec.Report);
        if (objective is null)
        {
            return null;
        }

        objective.Allow("displayName");
        foreach (var composite in new[] { "indicator", "indicatorRef", "compositeWeight" })
        {
            if (objective.Has(composite))
            {
                objective.Error(composite, "composite SLOs are not supported by this compiler");
            }
        }

        var target = ReadTarget(objective);
        var opText = objective.String("op");
        var op = ThresholdOperators.Parse(opText);
        var value = objective.Number("value");
        var sliceTarget = objective.Number("timeSliceTarget");
        var sliceWindowText = objective.String("timeSliceWindow");
        TimeSpan? sliceWindow = null;
        if (sliceWindowText is not null)
        {
            if (Durations.TryParse(sliceWindowText, out var parsed)
                || (int.TryParse(sliceWindowText, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0 && Durations.TryParse($"{minutes}m", out parsed)))
            {
                sliceWindow = parsed;
            }
            else
            {
                objective.Error("timeSliceWindow", $"'{sliceWindowText}' is not a duration shorthand");
            }
        }

        objective.RejectUnknown();
        if (sli is null || method is null || target is null)
        {
            return null;
        }

        if (sli.Kind == SliKind.Threshold)
        {
            if (opText is null && !objective.Has("op"))
            {
                objective.Error("op", "required with a thresholdMetric");
            }
            else if (op is null)
            {
                objective.Error("op", $"'{opText}' must be one of lte, gte, lt, gt");
            }

            if (value is null && !objective.Has("value"))
            {
                objective.Error("value", "required with a thresholdMetric");
            }

            if (method != BudgetingMethod.Occurrences)
            {
                spec.Error("budgetingMethod", "a thresholdMetric compiles with Occurrences (every evaluation is one occurrence)");
            }
        }
        else
        {
            if (opText is not null)
            {
                objective.Error("op", "not allowed with a ratioMetric");
            }

            if (value is not null)
            {
                objective.Error("value", "not allowed with a ratioMetric");
            }

            if (sli.Kind == SliKind.CounterRatio && method != BudgetingMethod.Occurrences)
            {
                spec.Error("budgetingMethod", "a ratioMetric of counters (counter: true) compiles with Occurrences");
            }

            if (sli.Kind == SliKind.GaugeRatio && method != BudgetingMethod.Timeslices)
            {
                spec.Error("budgetingMethod", "a ratioMetric of gauges (counter: false) compiles with Timeslices");
            }
        }

        if (method == BudgetingMethod.Timeslices)
        {
            if (sliceTarget is null)
            {
                objective.Error("timeSliceTarget", "required with budgetingMethod Timeslices");
            }
            else if (sliceTarget <= 0 || sliceTarget > 1)
            {
                objective.Error("timeSliceTarget", $"{Text(sliceTarget.Value)} must be in (0, 1]");
            }

            if (sliceWindowText is null)
            {
                objective.Error("timeSliceWindow", "required with budgetingMethod Timeslices");
            }
        }
        else
        {
            if (sliceTarget is not null)
            {
                objective.Error("timeSliceTarget", "only allowed with budgetingMethod Timeslices");
            }

            if (sliceWindowText is not null)
            {
                objective.Error("timeSliceWindow", "only allowed with budgetingMethod Timeslices or RatioTimeslices");
            }
        }

        return new Objective(target.Value, sliceTarget, sliceWindow, op, value);
    }

    private static decimal? ReadTarget(YamlFields objective)
    {
        var target = objective.Number("target");
        var percent = objective.Number("targetPercent");
        if ((target is null) == (percent is null))
        {
            objective.Error("target", "exactly one of target and targetPercent is required");
            return null;
        }

        if (target is not null && (target < 0 || target >= 1))
        {
            objective.Error("target", $"{Text(target.Value)} must be in [0, 1)");
            return null;
        }

        if (percent is not null && (percent < 0 || percent >= 100))
        {
            objective.Error("targetPercent", $"{Text(percent.Value)} must be in [0, 100)");
            return null;
        }

        return target ?? percent / 100m;
    }
}
