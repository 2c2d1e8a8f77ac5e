namespace SaasExporter.Collectors;

/// <summary>How a family is exposed. Built-in collectors serve gauges; user-defined SQL collectors may serve all three.</summary>
public enum MetricType
{
    Gauge,

    /// <summary>The value is the cumulative total the query returns; a lower value than last poll is a reset.</summary>
    Counter,

    /// <summary>Every sample is one observation, added to the cumulative buckets at each poll.</summary>
    Histogram,
}

/// <summary>A metric family: its name, help text and label names, declared once by its collector.</summary>
public sealed record MetricFamily(string Name, string Help, params string[] LabelNames)
{
    public MetricType Type { get; init; } = MetricType.Gauge;

    /// <summary>Upper bounds of a histogram's buckets; unused by other types.</summary>
    public IReadOnlyList<double> Buckets { get; init; } = [];

    public Sample Sample(double value, params string[] labelValues) => new(this, value, labelValues);
}

/// <summary>One value of a family for one label set.</summary>
public sealed record Sample(MetricFamily Family, double Value, string[] LabelValues)
{
    public override string ToString() =>
        $"{Family.Name}{{{string.Join(",", Family.LabelNames.Zip(LabelValues, (n, v) => $"{n}=\"{v}\""))}}} {Value}";
}
