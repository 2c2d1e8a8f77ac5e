using System.Text.RegularExpressions;
using SaasExporter.Files;

namespace SaasExporter.Custom;

/// <summary>
/// Reads and validates a user-defined SQL collector file (YAML, shaped like sql_exporter's and query-exporter's). Every
/// problem is one line naming the file, line and column, collector, metric and key, and all of a file's problems are
/// reported at once (<see cref="CustomCollectorReader"/>); a file with any problem yields no collector, so a half-valid
/// file never starts half its metrics.
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

    public static CustomCollectorLoad Load(string path, IReadOnlyDictionary<string, string> builtInMetrics, IReadOnlyCollection<string> builtInCollectors)
    {
        return ConfigurationFile.TryReadText(path, "custom collector file", out var text, out var error)
            ? Parse(path, text, builtInMetrics, builtInCollectors)
            : new CustomCollectorLoad([], [error]);
    }

    public static CustomCollectorLoad Parse(string path, string text, IReadOnlyDictionary<string, string> builtInMetrics, IReadOnlyCollection<string> builtInCollectors)
    {
        if (YamlDocuments.Load(path, text, out var syntaxError) is not { } documents)
        {
            return new CustomCollectorLoad([], [syntaxError]);
        }

        var reader = new CustomCollectorReader(path, builtInMetrics, builtInCollectors);
        var collectors = reader.Read(documents);
        return reader.Errors.Count > 0 ? new CustomCollectorLoad([], reader.Errors) : new CustomCollectorLoad(collectors, []);
    }

    /// <summary>Metric and label names alike (no colons: those are for recording rules).</summary>
    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    internal static partial Regex PrometheusName();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    internal static partial Regex CollectorName();

    [GeneratedRegex("(?<![:@])@([a-zA-Z_][a-zA-Z0-9_]*)", RegexOptions.CultureInvariant)]
    internal static partial Regex Parameter();
}
