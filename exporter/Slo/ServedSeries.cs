using System.Text;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Publishing;

namespace SaasExporter.Slo;

/// <summary>
/// Label sets the exporter serves, so generated promtool tests feed series the exporter would serve instead of
/// assumed ones. Today: the collectors' self metrics, as a fresh registry exposes them for one declared collector (every
/// saas_exporter_collector_runs_total and saas_exporter_collector_scheduled_polls_total series carries collector and
/// result, and result is success or failure).
/// Families not listed are fed with exactly the labels their SLI selector names.
/// </summary>
public static class ServedSeries
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<Selector>>> Served = new(Expose);

    /// <summary>The first served series matching every matcher of <paramref name="selector"/>, or the selector itself.</summary>
    public static Selector Complete(Selector selector) =>
        Of(selector.Metric).FirstOrDefault(s => Matches(s, selector)) ?? selector;

    /// <summary>A served series matched by <paramref name="total"/> but not by <paramref name="part"/>, if the family is listed.</summary>
    public static Selector? Sibling(Selector part, Selector total) =>
        Of(total.Metric).FirstOrDefault(s => Matches(s, total) && !Matches(s, part));

    private static IReadOnlyList<Selector> Of(string metric) => Served.Value.GetValueOrDefault(metric) ?? [];

    private static bool Matches(Selector series, Selector selector) =>
        series.Metric == selector.Metric && selector.Matchers.All(m => series.Matchers.Contains(m));

    private static IReadOnlyDictionary<string, IReadOnlyList<Selector>> Expose()
    {
        var registry = Metrics.NewCustomRegistry();
        new SelfMetrics(registry).Declare(ActivationCollector.CollectorName, enabled: true, TimeSpan.FromMinutes(5));
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray()).Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => SelectorParser.Parse(line[..line.LastIndexOf(' ')]))
            .OfType<Selector>()
            .Where(s => s.Metric.StartsWith("saas_exporter_collector_", StringComparison.Ordinal))
            .GroupBy(s => s.Metric)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Selector>)[.. g]);
    }
}
