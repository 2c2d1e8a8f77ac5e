using System.Globalization;
using System.Text.RegularExpressions;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Files;
using SaasExporter.Slo;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Custom;

/// <summary>The result of reading a custom collector file: its collectors, or every problem found in it.</summary>
public sealed record CustomCollectorLoad(IReadOnlyList<CustomCollectorDefinition> Collectors, IReadOnlyList<string> Errors);

/// <summary>
/// Reads and validates a user-defined SQL collector file (YAML, shaped like sql_exporter's and query-exporter's). Every
/// problem is one line naming the file, line, collector, metric and key; a file with any problem yields no collector,
/// so a half-valid file never starts half its metrics.
/// </summary>
public static partial class CustomCollectorFile
{
    public const int DefaultMaxSeries = 500;
    public const int MaxMaxSeries = 100_000;
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The bounds of every collector's Interval and Timeout settings (CollectorOptions' ranges), checked here under the key the user wrote.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>prometheus-net's default buckets, for a histogram that names none.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Collector-level parameters that only exist when the collector declares windows.</summary>
    private static readonly string[] WindowParameters = ["window", "window_start"];

    private static readonly string[] TopKeys = ["collectors"];
    private static readonly string[] CollectorKeys = ["name", "interval", "timeout", "windows", "sql", "metrics"];
    private static readonly string[] MetricKeys = ["name", "help", "type", "value", "labels", "static_labels", "max_series", "buckets"];

    public static CustomCollectorLoad Load(string path, IReadOnlyDictionary<string, string> builtInMetrics, IReadOnlyCollection<string> builtInCollectors)
    {
        return ConfigurationFile.TryReadText(path, "custom collector file", out var text, out var error)
            ? Parse(path, text, builtInMetrics, builtInCollectors)
            : new CustomCollectorLoad([], [error]);
    }

    public static CustomCollectorLoad Parse(string path, string text, IReadOnlyDictionary<string, string> builtInMetrics, IReadOnlyCollection<string> builtInCollectors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return new CustomCollectorLoad([], [$"{path}:{e.Start.Line}: not valid YAML: {e.Message}"]);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this on some malformed input (found by ParserFuzzTests).
            return new CustomCollectorLoad([], [$"{path}: not valid YAML: {e.Message}"]);
        }

        var reader = new Reader(path, builtInMetrics, builtInCollectors);
        var collectors = stream.Documents.Count == 0 ? null : reader.ReadFile(stream.Documents[0].RootNode);
        if ((stream.Documents.Count == 0 || collectors is null) && reader.Errors.Count == 0)
        {
            reader.Error(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "", "the file must be a mapping with a 'collectors' list");
        }

        return reader.Errors.Count > 0 ? new CustomCollectorLoad([], reader.Errors) : new CustomCollectorLoad(collectors!, []);
    }

    /// <summary>Metric and label names alike (no colons: those are for recording rules).</summary>
    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PrometheusName();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex CollectorName();

    [GeneratedRegex("(?<![:@])@([a-zA-Z_][a-zA-Z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();

    private sealed class Reader(string path, IReadOnlyDictionary<string, string> builtInMetrics, IReadOnlyCollection<string> builtInCollectors)
    {
        private readonly Dictionary<string, string> _exposedNames = new(StringComparer.Ordinal);
        private readonly HashSet<string> _collectorNames = new(StringComparer.OrdinalIgnoreCase);
        private string _collector = "";
        private string _metric = "";

        public List<string> Errors { get; } = [];

        public void Error(YamlNode? node, string key, string message)
        {
            var at = node is null ? path : $"{path}:{node.Start.Line}";
            var where = string.Concat(
                _collector.Length > 0 ? $" collector '{_collector}':" : "",
                _metric.Length > 0 ? $" metric '{_metric}':" : "",
                key.Length > 0 ? $" {key}:" : "");
            Errors.Add($"{at}:{where} {message}");
        }

        public List<CustomCollectorDefinition>? ReadFile(YamlNode root)
        {
            if (root is not YamlMappingNode map || !Keys(map, TopKeys))
            {
                return null;
            }

            if (Child(map, "collectors") is not YamlSequenceNode list)
            {
                return null;
            }

            var collectors = new List<CustomCollectorDefinition>();
            for (var i = 0; i < list.Children.Count; i++)
            {
                _collector = $"#{i + 1}";
                _metric = "";
                var collector = ReadCollector(list.Children[i]);
                if (collector is not null)
                {
                    collectors.Add(collector);
                }
            }

            _collector = "";
            return collectors;
        }

        private CustomCollectorDefinition? ReadCollector(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, "", "a collector must be a mapping (name, interval, timeout, windows, sql, metrics)");
                return null;
            }

            var errorsBefore = Errors.Count;
            var name = RequiredScalar(map, "name");
            if (name is not null)
            {
                _collector = name;
                if (!CollectorName().IsMatch(name))
                {
                    Error(Child(map, "name"), "name", "must be lower case letters, digits and underscores, starting with a letter");
                }
                else if (builtInCollectors.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    Error(Child(map, "name"), "name", "collides with a built-in collector of the same name");
                }
                else if (!_collectorNames.Add(name))
                {
                    Error(Child(map, "name"), "name", "a collector of this name is already defined in the file");
                }
            }

            Keys(map, CollectorKeys);
            var interval = DurationOf(map, "interval", DefaultInterval, MaxInterval);
            var timeout = DurationOf(map, "timeout", DefaultTimeout, MaxTimeout);
            if (timeout > interval)
            {
                Error(Child(map, "timeout"), "timeout", $"{timeout} is longer than the interval {interval}");
            }

            var windows = Windows(map);
            var sql = RequiredScalar(map, "sql")?.Trim();
            if (sql is { Length: 0 })
            {
                Error(Child(map, "sql"), "sql", "is empty");
            }
            else if (sql is not null && windows.Count == 0)
            {
                foreach (var parameter in Parameter().Matches(sql).Select(m => m.Groups[1].Value).Distinct())
                {
                    if (WindowParameters.Contains(parameter))
                    {
                        Error(Child(map, "sql"), "sql", $"uses @{parameter} but the collector declares no windows");
                    }
                }
            }

            var metrics = new List<CustomMetricDefinition>();
            if (Child(map, "metrics") is not YamlSequenceNode list || list.Children.Count == 0)
            {
                Error(Child(map, "metrics") ?? map, "metrics", "a non-empty list of metrics is required");
            }
            else
            {
                foreach (var metricNode in list.Children)
                {
                    var metric = ReadMetric(metricNode, windows.Count > 0);
                    if (metric is not null)
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
            if (node is not YamlMappingNode map)
            {
                Error(node, "", "a metric must be a mapping (name, help, type, value, labels, static_labels, max_series, buckets)");
                return null;
            }

            var errorsBefore = Errors.Count;
            var name = RequiredScalar(map, "name");
            if (name is not null)
            {
                _metric = name;
            }

            Keys(map, MetricKeys);
            var help = RequiredScalar(map, "help");
            var type = TypeOf(map);
            var value = RequiredScalar(map, "value");
            var labels = StringList(map, "labels");
            var staticLabels = StaticLabels(map);
            var maxSeries = MaxSeries(map);
            var buckets = Buckets(map, type);

            if (name is not null)
            {
                CheckName(Child(map, "name")!, name, type);
            }

            if (help is { Length: 0 })
            {
                Error(Child(map, "help"), "help", "is empty");
            }
            else if (help is not null && help.Any(char.IsControl))
            {
                Error(Child(map, "help"), "help", "contains a line break or another control character: HELP text is one line");
            }

            var allLabels = labels.Concat(staticLabels.Select(l => l.Key)).Concat(windowed ? ["window"] : []).ToList();
            foreach (var label in allLabels.Distinct(StringComparer.Ordinal))
            {
                var at = Child(map, "labels") ?? Child(map, "static_labels");
                if (!PrometheusName().IsMatch(label) || label.StartsWith("__", StringComparison.Ordinal))
                {
                    Error(at, "labels", $"'{label}' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
                }
                else if (type == MetricType.Histogram && label == "le")
                {
                    Error(at, "labels", "'le' is reserved for histogram buckets");
                }
                else if (allLabels.Count(l => l == label) > 1)
                {
                    Error(at, "labels", label == "window" && windowed
                        ? "'window' is added by the collector's windows; do not declare it"
                        : $"'{label}' is declared more than once");
                }
            }

            if (value is not null && labels.Contains(value, StringComparer.Ordinal))
            {
                Error(Child(map, "value"), "value", $"column '{value}' cannot be both the value and a label");
            }

            return Errors.Count > errorsBefore || name is null || help is null || value is null
                ? null
                : new CustomMetricDefinition(name, help, type, value, labels, staticLabels, maxSeries, buckets);
        }

        private void CheckName(YamlNode at, string name, MetricType type)
        {
            if (!PrometheusName().IsMatch(name) || name.StartsWith("__", StringComparison.Ordinal))
            {
                Error(at, "name", "is not a valid metric name ([a-zA-Z_][a-zA-Z0-9_]*; colons are for recording rules)");
                return;
            }

            if (builtInMetrics.TryGetValue(name, out var owner))
            {
                Error(at, "name", $"collides with the built-in metric of collector '{owner}'");
                return;
            }

            if (name.StartsWith("saas_", StringComparison.Ordinal))
            {
                Error(at, "name", "the saas_ prefix is reserved for built-in metrics");
                return;
            }

            if (type == MetricType.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
            {
                Error(at, "name", "a counter's name must end in _total");
                return;
            }

            // A histogram also exposes _bucket, _sum and _count: those names must be free too.
            string[] exposed = type == MetricType.Histogram ? [name, name + "_bucket", name + "_sum", name + "_count"] : [name];
            foreach (var series in exposed)
            {
                if (_exposedNames.TryGetValue(series, out var other))
                {
                    Error(at, "name", $"'{series}' is already exposed by {other}");
                    return;
                }
            }

            foreach (var series in exposed)
            {
                _exposedNames[series] = $"metric '{name}' of collector '{_collector}'";
            }
        }

        private bool Keys(YamlMappingNode map, string[] known)
        {
            var ok = true;
            foreach (var key in map.Children.Keys)
            {
                var text = (key as YamlScalarNode)?.Value ?? "";
                if (!known.Contains(text, StringComparer.Ordinal))
                {
                    Error(key, text, $"unknown key (known: {string.Join(", ", known)})");
                    ok = false;
                }
            }

            return ok;
        }

        private static YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        private string? Scalar(YamlMappingNode map, string key)
        {
            var node = Child(map, key);
            if (node is null)
            {
                return null;
            }

            if (node is not YamlScalarNode scalar)
            {
                Error(node, key, "must be a single value");
                return null;
            }

            return scalar.Value ?? "";
        }

        private string? RequiredScalar(YamlMappingNode map, string key)
        {
            if (Child(map, key) is null)
            {
                Error(map, key, "is required");
                return null;
            }

            return Scalar(map, key);
        }

        private TimeSpan DurationOf(YamlMappingNode map, string key, TimeSpan fallback, TimeSpan max)
        {
            var text = Scalar(map, key);
            if (text is null)
            {
                return fallback;
            }

            if (!Durations.TryParse(text, Durations.Prometheus, out var duration))
            {
                Error(Child(map, key), key, $"'{text}' is not a duration such as 30s, 5m or 1h");
                return fallback;
            }

            if (duration < TimeSpan.FromSeconds(1))
            {
                Error(Child(map, key), key, $"'{text}' is shorter than one second");
            }
            else if (duration > max)
            {
                Error(Child(map, key), key, $"'{text}' is longer than {Durations.Format(max)}, the longest collector {key}");
            }

            return duration;
        }

        private List<Window> Windows(YamlMappingNode map)
        {
            var windows = new List<Window>();
            foreach (var text in StringList(map, "windows"))
            {
                if (!Window.TryParse(text, out var window))
                {
                    Error(Child(map, "windows"), "windows", $"'{text}' is not a window such as 7d, 12h or 4w");
                }
                else if (windows.Any(w => w.Label == text))
                {
                    Error(Child(map, "windows"), "windows", $"'{text}' is listed twice");
                }
                else
                {
                    windows.Add(window);
                }
            }

            return windows;
        }

        private List<string> StringList(YamlMappingNode map, string key)
        {
            var node = Child(map, key);
            if (node is null)
            {
                return [];
            }

            if (node is not YamlSequenceNode list || list.Children.Any(c => c is not YamlScalarNode))
            {
                Error(node, key, "must be a list of names");
                return [];
            }

            return [.. list.Children.Cast<YamlScalarNode>().Select(c => c.Value ?? "")];
        }

        private List<KeyValuePair<string, string>> StaticLabels(YamlMappingNode map)
        {
            var node = Child(map, "static_labels");
            if (node is null)
            {
                return [];
            }

            if (node is not YamlMappingNode labels || labels.Children.Any(c => c.Key is not YamlScalarNode || c.Value is not YamlScalarNode))
            {
                Error(node, "static_labels", "must be a mapping of label name to value");
                return [];
            }

            return [.. labels.Children.Select(c => new KeyValuePair<string, string>(((YamlScalarNode)c.Key).Value ?? "", ((YamlScalarNode)c.Value).Value ?? ""))];
        }

        private MetricType TypeOf(YamlMappingNode map)
        {
            var text = Scalar(map, "type");
            switch (text)
            {
                case null or "gauge":
                    return MetricType.Gauge;
                case "counter":
                    return MetricType.Counter;
                case "histogram":
                    return MetricType.Histogram;
                default:
                    Error(Child(map, "type"), "type", $"'{text}' is not one of gauge, counter, histogram");
                    return MetricType.Gauge;
            }
        }

        private int MaxSeries(YamlMappingNode map)
        {
            var text = Scalar(map, "max_series");
            if (text is null)
            {
                return DefaultMaxSeries;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 1 || max > MaxMaxSeries)
            {
                Error(Child(map, "max_series"), "max_series", $"'{text}' is not a whole number from 1 to {MaxMaxSeries}");
                return DefaultMaxSeries;
            }

            return max;
        }

        private List<double> Buckets(YamlMappingNode map, MetricType type)
        {
            var node = Child(map, "buckets");
            if (node is null)
            {
                return type == MetricType.Histogram ? [.. DefaultBuckets] : [];
            }

            if (type != MetricType.Histogram)
            {
                Error(node, "buckets", "only a histogram has buckets");
                return [];
            }

            var buckets = new List<double>();
            foreach (var text in StringList(map, "buckets"))
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) || !double.IsFinite(bound))
                {
                    Error(node, "buckets", $"'{text}' is not a finite number");
                    return [];
                }

                buckets.Add(bound);
            }

            if (buckets.Count == 0 || buckets.Zip(buckets.Skip(1)).Any(p => p.Second <= p.First))
            {
                Error(node, "buckets", "must be a non-empty list of strictly increasing numbers");
            }

            return buckets;
        }
    }
}
