using SaasExporter.Files;

namespace SaasExporter.Slo;

/// <summary>OpenSLO kind AlertCondition (inline or referenced): one burn-rate tier.</summary>
public sealed partial class OpenSloReader
{
    private BurnTier? ReadCondition(OpenSloDocument condition, string file, string subject)
    {
        var spec = YamlFields.Of(condition.Spec, condition.SpecPath, (at, field, message) => diagnostics.Error(file, subject, field, message, at));
        if (spec is null)
        {
            return null;
        }

        spec.Allow("description");
        var severityText = spec.String("severity", required: true);
        var severity = Severities.Parse(severityText);
        if (severityText is not null && severity is null)
        {
            spec.Error("severity", $"'{severityText}' must be page or ticket (Alertmanager routes on it)");
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
        return new BurnTier(condition.Name, severity.Value, lookback.Value, shortWindow, threshold.Value, after);
    }

    private static TimeSpan? ReadDuration(YamlFields fields, string key, bool required) =>
        fields.Duration(key, Durations.OpenSlo, DurationShorthand, required);
}
