using System.Globalization;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Files;
using SaasExporter.Slo;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Custom;

/// <summary>
/// The rules of a custom collector file, read through <see cref="YamlFields"/>: every problem of the file is collected
/// as <c>file:line:column: collector 'c': metric 'm': key: message</c>, and reading goes on after each.
/// </summary>
internal sealed class CustomCollectorReader(string path, IReadOnlyDictionary<string, string> builtInMetrics, IReadOnlyCollection<string> builtInCollectors)
{
    private const string NotAFile = "the file must be a mapping with a 'collectors' list";

    /// <summary>Collector-level parameters that only exist when the collector declares windows.</summary>
    private static readonly string[] WindowParameters = ["window", "window_start"];

    private static readonly string[] CollectorKeys = ["name", "interval", "timeout", "windows", "sql", "metrics"];
    private static readonly string[] MetricKeys = ["name", "help", "type", "value", "labels", "static_labels", "max_series", "buckets"];

    private readonly Dictionary<string, string> _exposedNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _collectorNames = new(StringComparer.OrdinalIgnoreCase);
    private string _collector = "";
    private string _metric = "";

    public List<string> Errors { get; } = [];

    public List<CustomCollectorDefinition> Read(IReadOnlyList<YamlDocument> documents)
    {
        if (documents.Count == 0)
        {
            Errors.Add($"{path}: {NotAFile}");
            return [];
        }

        var file = YamlFields.Of(documents[0].RootNode, "", Report, NotAFile);
        if (file is null)
        {
            return [];
        }

        var list = file.Node("collectors", required: true);
        file.RejectUnknown();
        if (list is null)
        {
            return [];
        }

        if (list is not YamlSequenceNode sequence)
        {
            file.Error("collectors", "must be a list of collectors");
            return [];
        }

        var collectors = new List<CustomCollectorDefinition>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            _collector = $"#{i + 1}";
            _metric = "";
            if (ReadCollector(sequence.Children[i]) is { } collector)
            {
                collectors.Add(collector);
            }
        }

        _collector = "";
        return collectors;
    }

    private void Report(YamlNode at, string key, string message)
    {
        var where = string.Concat(
            _collector.Length > 0 ? $" collector '{_collector}':" : "",
            _metric.Length > 0 ? $" metric '{_metric}':" : "",
            key.Length > 0 ? $" {key}:" : "");
        Errors.Add(YamlPosition.OneLine($"{YamlPosition.Of(path, at)}:{where} {message}"));
    }

    private CustomCollectorDefinition? ReadCollector(YamlNode node)
    {
        var map = YamlFields.Of(node, "", Report, "a collector must be a mapping (name, interval, timeout, windows, sql, metrics)");
        if (map is null)
        {
            return null;
        }

        var errorsBefore = Errors.Count;
        map.Allow(CollectorKeys);
        var name = map.Scalar("name", required: true);
        if (name is not null)
        {
            _collector = name;
            if (!CustomCollectorFile.CollectorName().IsMatch(name))
            {
                map.Error("name", "must be lower case letters, digits and underscores, starting with a letter");
            }
            else if (builtInCollectors.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                map.Error("name", "collides with a built-in collector of the same name");
            }
            else if (!_collectorNames.Add(name))
            {
                map.Error("name", "a collector of this name is already defined in the file");
            }
        }

        map.RejectUnknown();
        var interval = Bounded(map, "interval", CustomCollectorFile.DefaultInterval, CustomCollectorFile.MaxInterval);
        var timeout = Bounded(map, "timeout", CustomCollectorFile.DefaultTimeout, CustomCollectorFile.MaxTimeout);
        if (timeout > interval)
        {
            map.Error("timeout", $"{timeout} is longer than the interval {interval}");
        }

        var windows = Windows(map);
        var sql = map.Scalar("sql", required: true)?.Trim();
        if (sql is { Length: 0 })
        {
            map.Error("sql", "is empty");
        }
        else if (sql is not null && windows.Count == 0)
        {
            foreach (var parameter in CustomCollectorFile.Parameter().Matches(sql).Select(m => m.Groups[1].Value).Distinct())
            {
                if (WindowParameters.Contains(parameter))
                {
                    map.Error("sql", $"uses @{parameter} but the collector declares no windows");
                }
            }
        }

        var metrics = new List<CustomMetricDefinition>();
        if (map.Node("metrics") is not YamlSequenceNode { Children.Count: > 0 } list)
        {
            map.Error("metrics", "a non-empty list of metrics is required");
        }
        else
        {
            foreach (var metricNode in list.Children)
            {
                if (ReadMetric(metricNode, windows.Count > 0) is { } metric)
                {
                    metrics.Add(metric);
                }
            }

            _metric = "";
        }

        return Errors.Count > errorsBefore || name is null || sql is null
            ? null
            : new CustomCollectorDefinition(name, interval, timeout, windows, sql, metrics);
    }

    private CustomMetricDefinition? ReadMetric(YamlNode node, bool windowed)
    {
        _metric = "";
        var map = YamlFields.Of(node, "", Report, "a metric must be a mapping (name, help, type, value, labels, static_labels, max_series, buckets)");
        if (map is null)
        {
            return null;
        }

        var errorsBefore = Errors.Count;
        map.Allow(MetricKeys);
        var name = map.Scalar("name", required: true);
        if (name is not null)
        {
            _metric = name;
        }

        map.RejectUnknown();
        var help = map.Scalar("help", required: true);
        var type = TypeOf(map);
        var value = map.Scalar("value", required: true);
        var labels = map.Scalars("labels", "must be a list of names") ?? [];
        var staticLabels = StaticLabels(map);
        var maxSeries = MaxSeries(map);
        var buckets = Buckets(map, type);

        if (name is not null)
        {
            CheckName(map, name, type);
        }

        if (help is { Length: 0 })
        {
            map.Error("help", "is empty");
        }
        else if (help is not null && help.Any(char.IsControl))
        {
            map.Error("help", "contains a line break or another control character: HELP text is one line");
        }

        CheckLabels(map, labels, staticLabels, type, windowed);
        if (value is not null && labels.Contains(value, StringComparer.Ordinal))
        {
            map.Error("value", $"column '{value}' cannot be both the value and a label");
        }

        return Errors.Count > errorsBefore || name is null || help is null || value is null
            ? null
            : new CustomMetricDefinition(name, help, type, value, [.. labels], staticLabels, maxSeries, buckets);
    }

    private static void CheckLabels(YamlFields map, IReadOnlyList<string> labels, List<KeyValuePair<string, string>> staticLabels, MetricType type, bool windowed)
    {
        var allLabels = labels.Concat(staticLabels.Select(l => l.Key)).Concat(windowed ? ["window"] : []).ToList();
        var at = map.Node("labels") ?? map.Node("static_labels") ?? map.Mapping;
        foreach (var label in allLabels.Distinct(StringComparer.Ordinal))
        {
            if (!CustomCollectorFile.PrometheusName().IsMatch(label) || label.StartsWith("__", StringComparison.Ordinal))
            {
                map.Error(at, "labels", $"'{label}' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
            }
            else if (type == MetricType.Histogram && label == "le")
            {
                map.Error(at, "labels", "'le' is reserved for histogram buckets");
            }
            else if (allLabels.Count(l => l == label) > 1)
            {
                map.Error(at, "labels", label == "window" && windowed
                    ? "'window' is added by the collector's windows; do not declare it"
                    : $"'{label}' is declared more than once");
            }
        }
    }

    private void CheckName(YamlFields map, string name, MetricType type)
    {
        if (!CustomCollectorFile.PrometheusName().IsMatch(name) || name.StartsWith("__", StringComparison.Ordinal))
        {
            map.Error("name", "is not a valid metric name ([a-zA-Z_][a-zA-Z0-9_]*; colons are for recording rules)");
            return;
        }

        if (builtInMetrics.TryGetValue(name, out var owner))
        {
            map.Error("name", $"collides with the built-in metric of collector '{owner}'");
            return;
        }

        if (name.StartsWith("saas_", StringComparison.Ordinal))
        {
            map.Error("name", "the saas_ prefix is reserved for built-in metrics");
            return;
        }

        if (type == MetricType.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            map.Error("name", "a counter's name must end in _total");
            return;
        }

        // A histogram also exposes _bucket, _sum and _count: those names must be free too.
        string[] exposed = type == MetricType.Histogram ? [name, name + "_bucket", name + "_sum", name + "_count"] : [name];
        foreach (var series in exposed)
        {
            if (_exposedNames.TryGetValue(series, out var other))
            {
                map.Error("name", $"'{series}' is already exposed by {other}");
                return;
            }
        }

        foreach (var series in exposed)
        {
            _exposedNames[series] = $"metric '{name}' of collector '{_collector}'";
        }
    }

    /// <summary>An interval or timeout: the one duration grammar, at least a second and at most <paramref name="max"/>.</summary>
    private static TimeSpan Bounded(YamlFields map, string key, TimeSpan fallback, TimeSpan max)
    {
        if (map.Duration(key, Durations.Prometheus, "a duration such as 30s, 5m or 1h") is not { } duration)
        {
            return fallback;
        }

        var text = map.Scalar(key);
        if (duration < TimeSpan.FromSeconds(1))
        {
            map.Error(key, $"'{text}' is shorter than one second");
        }
        else if (duration > max)
        {
            map.Error(key, $"'{text}' is longer than {Durations.Format(max)}, the longest collector {key}");
        }

        return duration;
    }

    private static List<Window> Windows(YamlFields map)
    {
        var windows = new List<Window>();
        foreach (var text in map.Scalars("windows", "must be a list of names") ?? [])
        {
            if (!Window.TryParse(text, out var window))
            {
                map.Error("windows", $"'{text}' is not a window such as 7d, 12h or 4w");
            }
            else if (windows.Any(w => w.Label == text))
            {
                map.Error("windows", $"'{text}' is listed twice");
            }
            else
            {
                windows.Add(window);
            }
        }

        return windows;
    }

    private static List<KeyValuePair<string, string>> StaticLabels(YamlFields map)
    {
        var labels = map.Map("static_labels", notAMapping: "must be a mapping of label name to value");
        return labels is null ? [] : [.. labels.Entries("must be a single value", firstOfList: false)];
    }

    private static MetricType TypeOf(YamlFields map)
    {
        var text = map.Scalar("type");
        switch (text)
        {
            case null or "gauge":
                return MetricType.Gauge;
            case "counter":
                return MetricType.Counter;
            case "histogram":
                return MetricType.Histogram;
            default:
                map.Error("type", $"'{text}' is not one of gauge, counter, histogram");
                return MetricType.Gauge;
        }
    }

    private static int MaxSeries(YamlFields map)
    {
        var text = map.Scalar("max_series");
        if (text is null)
        {
            return CustomCollectorFile.DefaultMaxSeries;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1 || max > CustomCollectorFile.MaxMaxSeries)
        {
            map.Error("max_series", $"'{text}' is not a whole number from 1 to {CustomCollectorFile.MaxMaxSeries}");
            return CustomCollectorFile.DefaultMaxSeries;
        }

        return max;
    }

    private static List<double> Buckets(YamlFields map, MetricType type)
    {
        if (!map.Has("buckets"))
        {
            return type == MetricType.Histogram ? [.. CustomCollectorFile.DefaultBuckets] : [];
        }

        if (type != MetricType.Histogram)
        {
            map.Error("buckets", "only a histogram has buckets");
            return [];
        }

        var buckets = new List<double>();
        foreach (var text in map.Scalars("buckets", "must be a list of names") ?? [])
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) || !double.IsFinite(bound))
            {
                map.Error("buckets", $"'{text}' is not a finite number");
                return [];
            }

            buckets.Add(bound);
        }

        if (buckets.Count == 0 || buckets.Zip(buckets.Skip(1)).Any(p => p.Second <= p.First))
        {
            map.Error("buckets", "must be a non-empty list of strictly increasing numbers");
        }

        return buckets;
    }
}
