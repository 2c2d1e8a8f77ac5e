using System.Globalization;

namespace SaasExporter.Slo;

/// <summary>
/// Turns OpenSLO v1 objects into <see cref="SloDefinition"/>s: resolves indicatorRef, alertPolicyRef, conditionRef and
/// metricSourceRef, and applies the spec's rules (go-sdk validation) plus this compiler's own limits, one error each.
/// </summary>
public sealed class OpenSloReader(Diagnostics diagnostics)
{
    public const string MinEventsAnnotation = "saasexporter.io/min-events";
    public const string MinPopulationAnnotation = "saasexporter.io/min-population";
    public const string BusinessDaysAnnotation = "saasexporter.io/business-days";
    private const int DefaultMinimum = 10;

    private readonly Dictionary<(string Kind, string Name), OpenSloDocument> objects = [];
    private readonly Dictionary<string, SliDefinition?> slis = new(StringComparer.Ordinal);

    public void Add(IEnumerable<OpenSloDocument> documents)
    {
        foreach (var document in documents)
        {
            if (!objects.TryAdd((document.Kind, document.Name), document))
            {
                var first = objects[(document.Kind, document.Name)];
                diagnostics.Error(document.File, document.Subject, "metadata.name", $"duplicate {document.Kind} name (first defined in {first.File})");
            }
        }
    }

    public List<SloDefinition> Read()
    {
        foreach (var other in objects.Values.Where(o => o.Kind is "Service" or "AlertNotificationTarget" or "DataSource"))
        {
            CheckPassive(other);
        }

        foreach (var sli in objects.Values.Where(o => o.Kind == "SLI").OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var fields = Fields(sli);
            slis[sli.Name] = fields is null ? null : ReadSli(fields);
        }

        var result = new List<SloDefinition>();
        foreach (var slo in objects.Values.Where(o => o.Kind == "SLO").OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var definition = ReadSlo(slo);
            if (definition is not null)
            {
                result.Add(definition);
            }
        }

        return result;
    }

    private YamlFields? Fields(OpenSloDocument document) =>
        YamlFields.Of(document.Spec, document.SpecPath, (field, message) => diagnostics.Error(document.File, document.Subject, field, message));

    private void CheckPassive(OpenSloDocument document)
    {
        var spec = Fields(document);
        if (spec is null)
        {
            return;
        }

        spec.Allow("description");
        switch (document.Kind)
        {
            case "AlertNotificationTarget":
                spec.String("target", required: true);
                break;
            case "DataSource":
                spec.String("type", required: true);
                spec.Allow("connectionDetails");
                break;
        }

        spec.RejectUnknown();
    }

    private SloDefinition? ReadSlo(OpenSloDocument slo)
    {
        var errorsBefore = diagnostics.Errors.Count;
        var spec = Fields(slo);
        if (spec is null)
        {
            return null;
        }

        var team = slo.Labels.GetValueOrDefault("team");
        if (team is not ("product" or "sre"))
        {
            diagnostics.Error(slo.File, slo.Subject, "metadata.labels.team", team is null
                ? "required: product (business SLOs) or sre (exporter SLOs), used to route alerts"
                : $"'{team}' must be product or sre");
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
        var method = spec.String("budgetingMethod", required: true);
        if (method is "RatioTimeslices")
        {
            spec.Error("budgetingMethod", "RatioTimeslices is not supported by this compiler: use Timeslices or Occurrences");
            method = null;
        }
        else if (method is not null and not ("Occurrences" or "Timeslices"))
        {
            spec.Error("budgetingMethod", $"'{method}' must be Occurrences, Timeslices or RatioTimeslices");
            method = null;
        }

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

        if (calendar is not null && method == "Timeslices")
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

        var (target, sliceTarget, sliceWindow, op, value) = objective.Value;
        sli = sli.Kind == SliKind.Threshold ? sli with { Op = op, Threshold = value } : sli;
        return new SloDefinition(slo.File, slo.Name, slo.DisplayName ?? slo.Name, description, service, team!, period.Value, periodText!,
            calendar, method, target, sliceTarget, sliceWindow, sli, tiers, sli.Kind == SliKind.GaugeRatio ? minPopulation : minEvents)
        {
            BusinessDays = businessDays,
        };
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

        var fields = YamlFields.Of(envelope.Spec, envelope.SpecPath, (field, message) => diagnostics.Error(slo.File, slo.Subject, field, message));
        return fields is null ? null : ReadSli(fields);
    }

    private SliDefinition? ReadSli(YamlFields spec)
    {
        spec.Allow("description");
        var threshold = spec.Map("thresholdMetric");
        var ratio = spec.Map("ratioMetric");
        SliDefinition? result = null;
        if ((threshold is null) == (ratio is null))
        {
            spec.Error("thresholdMetric", "exactly one of thresholdMetric and ratioMetric is required");
        }
        else if (threshold is not null)
        {
            var value = ReadMetricSource(threshold);
            threshold.RejectUnknown();
            result = value is null ? null : new SliDefinition(SliKind.Threshold, value, null, null, null, null, null);
        }
        else
        {
            result = ReadRatio(ratio!);
        }

        spec.RejectUnknown();
        return result;
    }

    private SliDefinition? ReadRatio(YamlFields ratio)
    {
        var counter = ratio.Bool("counter") ?? false;
        if (ratio.Has("raw") || ratio.Has("rawType"))
        {
            ratio.Error("raw", "raw (precomputed) ratios are not supported by this compiler: give good or bad, and total");
            ratio.Allow("good", "bad", "total");
            ratio.RejectUnknown();
            return null;
        }

        var goodNode = ratio.Map("good");
        var badNode = ratio.Map("bad");
        var totalNode = ratio.Map("total", required: true);
        if ((goodNode is null) == (badNode is null))
        {
            ratio.Error("good", "exactly one of good and bad is required");
        }

        var good = goodNode is null ? null : ReadMetricSource(goodNode);
        var bad = badNode is null ? null : ReadMetricSource(badNode);
        var total = totalNode is null ? null : ReadMetricSource(totalNode);
        foreach (var part in new[] { goodNode, badNode, totalNode })
        {
            part?.RejectUnknown();
        }

        ratio.RejectUnknown();
        return total is null || (good is null && bad is null)
            ? null
            : new SliDefinition(counter ? SliKind.CounterRatio : SliKind.GaugeRatio, null, null, null, good, bad, total);
    }

    private Selector? ReadMetricSource(YamlFields holder)
    {
        var source = holder.Map("metricSource", required: true);
        if (source is null)
        {
            return null;
        }

        var type = source.String("type");
        var reference = source.String("metricSourceRef");
        if (reference is not null)
        {
            if (!objects.TryGetValue(("DataSource", reference), out var dataSource))
            {
                source.Error("metricSourceRef", $"unresolved DataSource '{reference}'");
            }
            else
            {
                type ??= YamlFields.Of(dataSource.Spec, "", (_, _) => { })?.String("type");
            }
        }
        else if (type is null)
        {
            source.Error("type", "required when metricSourceRef is not given");
        }

        if (type is not null and not "Prometheus")
        {
            source.Error("type", $"'{type}' is not supported: SLIs are PromQL over the exporter's metrics (type: Prometheus)");
        }

        var spec = source.Map("spec", required: true);
        var query = spec?.String("query", required: true);
        spec?.RejectUnknown();
        source.RejectUnknown();
        if (query is null)
        {
            return null;
        }

        var selector = SelectorParser.Parse(query);
        if (selector is null)
        {
            spec!.Error("query", $"'{query}' must be a vector selector metric{{label=\"value\", ...}} (record anything more complex as a recording rule)");
        }

        return selector;
    }

    private (TimeSpan? Period, string? Text, CalendarWindow? Calendar) ReadTimeWindow(YamlFields spec)
    {
        var windows = spec.List("timeWindow", required: true);
        if (windows is null)
        {
            return (null, null, null);
        }

        if (windows.Count != 1)
        {
            spec.Error("timeWindow", $"must have exactly one item, got {windows.Count}");
            return (null, null, null);
        }

        var window = YamlFields.Of(windows[0], spec.PathOf("timeWindow[0]"), spec.Report);
        if (window is null)
        {
            return (null, null, null);
        }

        var text = window.String("duration", required: true);
        TimeSpan? period = null;
        if (text is not null)
        {
            if (Durations.TryParse(text, out var parsed))
            {
                period = parsed;
            }
            else
            {
                window.Error("duration", $"'{text}' is not a duration shorthand (a positive integer and one of m h d w M Q Y)");
            }
        }

        var rolling = window.Bool("isRolling");
        var calendarFields = window.Map("calendar");
        CalendarWindow? calendar = null;
        if (rolling is null)
        {
            window.Error("isRolling", "required");
        }
        else if (rolling.Value && calendarFields is not null)
        {
            window.Error("calendar", "not allowed when isRolling is true");
        }
        else if (!rolling.Value && calendarFields is null)
        {
            window.Error("calendar", "required when isRolling is false");
        }
        else if (calendarFields is not null)
        {
            calendar = ReadCalendar(calendarFields, text);
        }

        calendarFields?.RejectUnknown();
        window.RejectUnknown();
        return (period, text, calendar);
    }

    private static CalendarWindow? ReadCalendar(YamlFields calendar, string? duration)
    {
        var start = calendar.String("startTime", required: true);
        var zone = calendar.String("timeZone", required: true);
        if (zone is not null && zone is not ("UTC" or "Etc/UTC"))
        {
            calendar.Error("timeZone", $"'{zone}' is not supported: calendar windows are computed in UTC");
        }

        var unit = duration switch
        {
            "1w" => "week",
            "1M" => "month",
            "1Q" => "quarter",
            "1Y" => "year",
            _ => null,
        };
        if (duration is not null && unit is null)
        {
            calendar.Error("startTime", $"calendar windows support durations 1w, 1M, 1Q and 1Y, not '{duration}'");
        }

        if (start is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParseExact(start, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            calendar.Error("startTime", $"'{start}' must look like 2006-01-02 15:04:05");
            return null;
        }

        if (instant.TimeOfDay != TimeSpan.Zero || (unit is not "week" && instant.Day != 1) || (unit is "quarter" && (instant.Month - 1) % 3 != 0)
            || (unit is "year" && instant.Month != 1))
        {
            calendar.Error("startTime", $"'{start}' must be midnight at the start of a {unit ?? "period"}");
            return null;
        }

        return unit is null ? null : new CalendarWindow(unit, instant);
    }

    private (decimal Target, decimal? SliceTarget, TimeSpan? SliceWindow, string? Op, decimal? Value)? ReadObjective(YamlFields spec, SliDefinition? sli, string? method)
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
        var op = objective.String("op");
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
            if (op is null && !objective.Has("op"))
            {
                objective.Error("op", "required with a thresholdMetric");
            }
            else if (op is not ("lte" or "gte" or "lt" or "gt"))
            {
                objective.Error("op", $"'{op}' must be one of lte, gte, lt, gt");
            }

            if (value is null && !objective.Has("value"))
            {
                objective.Error("value", "required with a thresholdMetric");
            }

            if (method != "Occurrences")
            {
                spec.Error("budgetingMethod", "a thresholdMetric compiles with Occurrences (every evaluation is one occurrence)");
            }
        }
        else
        {
            if (op is not null)
            {
                objective.Error("op", "not allowed with a ratioMetric");
            }

            if (value is not null)
            {
                objective.Error("value", "not allowed with a ratioMetric");
            }

            if (sli.Kind == SliKind.CounterRatio && method != "Occurrences")
            {
                spec.Error("budgetingMethod", "a ratioMetric of counters (counter: true) compiles with Occurrences");
            }

            if (sli.Kind == SliKind.GaugeRatio && method != "Timeslices")
            {
                spec.Error("budgetingMethod", "a ratioMetric of gauges (counter: false) compiles with Timeslices");
            }
        }

        if (method == "Timeslices")
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

        return (target.Value, sliceTarget, sliceWindow, op, value);
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

    private List<BurnTier> ReadAlertPolicies(OpenSloDocument slo, YamlFields spec)
    {
        var tiers = new List<BurnTier>();
        var policies = spec.List("alertPolicies") ?? [];
        for (var i = 0; i < policies.Count; i++)
        {
            var path = spec.PathOf($"alertPolicies[{i}]");
            var item = YamlFields.Of(policies[i], path, spec.Report);
            if (item is null)
            {
                continue;
            }

            OpenSloDocument? policy;
            var reference = item.String("alertPolicyRef");
            if (reference is not null)
            {
                item.RejectUnknown();
                if (!objects.TryGetValue(("AlertPolicy", reference), out policy))
                {
                    item.Error("alertPolicyRef", $"unresolved AlertPolicy '{reference}'");
                    continue;
                }
            }
            else
            {
                policy = OpenSloParser.ParseEnvelope(slo.File, slo.Subject, policies[i], diagnostics, path, "AlertPolicy", keepSubject: true);
                if (policy is null)
                {
                    continue;
                }
            }

            var tier = ReadPolicy(slo, policy, reference is null);
            if (tier is not null)
            {
                tiers.Add(tier);
            }
        }

        return tiers;
    }

    private BurnTier? ReadPolicy(OpenSloDocument slo, OpenSloDocument policy, bool inline)
    {
        var (file, subject) = inline ? (slo.File, slo.Subject) : (policy.File, policy.Subject);
        var spec = YamlFields.Of(policy.Spec, policy.SpecPath, (field, message) => diagnostics.Error(file, subject, field, message));
        if (spec is null)
        {
            return null;
        }

        spec.Allow("description");
        if (spec.Bool("alertWhenBreaching") == false)
        {
            spec.Error("alertWhenBreaching", "burn-rate alerts fire when breaching: must be true or absent");
        }

        // Every field accepted is compiled; the rest is refused with what to do instead.
        if (spec.Bool("alertWhenNoData") == false)
        {
            spec.Error("alertWhenNoData", "every SLO gets SLODataStale when its inputs disappear: must be true or absent");
        }

        if (spec.Has("alertWhenResolved"))
        {
            spec.Error("alertWhenResolved", "not compiled: resolved notifications are chosen per receiver in prometheus/alertmanager.yml (send_resolved); remove it");
        }

        if (spec.Has("notificationTargets"))
        {
            spec.Error("notificationTargets", "not compiled: alerts route on their team and severity labels in prometheus/alertmanager.yml; remove it");
        }

        var conditions = spec.List("conditions", required: true);
        spec.RejectUnknown();
        if (conditions is null)
        {
            return null;
        }

        if (conditions.Count != 1)
        {
            spec.Error("conditions", $"must have exactly one item, got {conditions.Count}");
            return null;
        }

        var item = YamlFields.Of(conditions[0], spec.PathOf("conditions[0]"), spec.Report);
        var reference = item?.String("conditionRef");
        OpenSloDocument? condition;
        if (reference is not null)
        {
            item!.RejectUnknown();
            if (!objects.TryGetValue(("AlertCondition", reference), out condition))
            {
                item.Error("conditionRef", $"unresolved AlertCondition '{reference}'");
                return null;
            }

            (file, subject) = (condition.File, condition.Subject);
        }
        else
        {
            condition = item is null ? null
                : OpenSloParser.ParseEnvelope(file, subject, conditions[0], diagnostics, spec.PathOf("conditions[0]"), "AlertCondition", keepSubject: true);
        }

        return condition is null ? null : ReadCondition(condition, file, subject);
    }

    private BurnTier? ReadCondition(OpenSloDocument condition, string file, string subject)
    {
        var spec = YamlFields.Of(condition.Spec, condition.SpecPath, (field, message) => diagnostics.Error(file, subject, field, message));
        if (spec is null)
        {
            return null;
        }

        spec.Allow("description");
        var severity = spec.String("severity", required: true);
        if (severity is not null and not ("page" or "ticket"))
        {
            spec.Error("severity", $"'{severity}' must be page or ticket (Alertmanager routes on it)");
        }

        var body = spec.Map("condition", required: true);
        spec.RejectUnknown();
        if (body is null)
        {
            return null;
        }

        var kind = body.String("kind", required: true);
        if (kind is not null and not "burnrate")
        {
            body.Error("kind", $"'{kind}' must be burnrate");
        }

        var op = body.String("op", required: true);
        if (op is "lt" or "lte")
        {
            body.Error("op", $"'{op}': a burn-rate alert fires above its threshold, use gt or gte");
        }
        else if (op is not null and not ("gt" or "gte"))
        {
            body.Error("op", $"'{op}' must be gt or gte");
        }

        var threshold = body.Number("threshold", required: true);
        if (threshold is not null && threshold <= 0)
        {
            body.Error("threshold", $"{Text(threshold.Value)} must be a positive burn rate");
        }

        var lookback = ReadDuration(body, "lookbackWindow", required: true);
        var after = ReadDuration(body, "alertAfter", required: false) ?? TimeSpan.Zero;
        body.RejectUnknown();
        if (severity is null || threshold is null || lookback is null || op is not ("gt" or "gte") || threshold <= 0)
        {
            return null;
        }

        var shortWindow = TimeSpan.FromMinutes(Math.Max(1, Math.Round(lookback.Value.TotalMinutes / 12)));
        return new BurnTier(condition.Name, severity, lookback.Value, shortWindow, threshold.Value, after);
    }

    private static TimeSpan? ReadDuration(YamlFields fields, string key, bool required)
    {
        var text = fields.String(key, required);
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var duration))
        {
            return duration;
        }

        fields.Error(key, $"'{text}' is not a duration shorthand (a positive integer and one of m h d w M Q Y)");
        return null;
    }

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
