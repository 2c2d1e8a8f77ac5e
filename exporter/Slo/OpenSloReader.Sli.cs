using SaasExporter.Files;

namespace SaasExporter.Slo;

/// <summary>OpenSLO kind SLI (inline or referenced): a thresholdMetric or ratioMetric over Prometheus selectors.</summary>
public sealed partial class OpenSloReader
{
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
                type ??= YamlFields.Of(dataSource.Spec, "", (_, _, _) => { })?.String("type");
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
}
