using SaasExporter.Collectors;
using SaasExporter.Configuration;

namespace SaasExporter.Custom;

/// <summary>One user-defined SQL collector: its schedule, its query and the metrics it reads off the query's rows.</summary>
public sealed record CustomCollectorDefinition(
    string Name,
    TimeSpan Interval,
    TimeSpan Timeout,
    IReadOnlyList<Window> Windows,
    string Sql,
    IReadOnlyList<CustomMetricDefinition> Metrics)
{
    public CollectorSchedule Schedule => new(Interval, Timeout);
}

/// <summary>One metric of a user-defined collector: which column holds the value, which columns become labels.</summary>
public sealed record CustomMetricDefinition(
    string Name,
    string Help,
    MetricType Type,
    string ValueColumn,
    IReadOnlyList<string> LabelColumns,
    IReadOnlyList<KeyValuePair<string, string>> StaticLabels,
    int MaxSeries,
    IReadOnlyList<double> Buckets);
