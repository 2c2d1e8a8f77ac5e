namespace SaasExporter.Collectors;

/// <summary>A gauge family: its name, help text and label names, declared once by its collector.</summary>
public sealed record MetricFamily(string Name, string Help, params string[] LabelNames)
{
    public Sample Sample(double value, params string[] labelValues) => new(this, value, labelValues);
}

/// <summary>One value of a family for one label set.</summary>
public sealed record Sample(MetricFamily Family, double Value, string[] LabelValues)
{
    public override string ToString() =>
        $"{Family.Name}{{{string.Join(",", Family.LabelNames.Zip(LabelValues, (n, v) => $"{n}=\"{v}\""))}}} {Value}";
}
