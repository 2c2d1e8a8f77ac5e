namespace SaasExporter.Slo;

/// <summary>
/// Label sets the exporter serves, so generated promtool tests feed series the exporter would serve instead of
/// assumed ones. Built from an exposition the exporter produced (the binary passes its collectors' self metrics, as a
/// fresh registry exposes them for one declared collector: every saas_exporter_collector_runs_total and
/// saas_exporter_collector_scheduled_polls_total series carries collector and result, and result is success or failure).
/// Families not listed are fed with exactly the labels their SLI selector names.
/// </summary>
public sealed class ServedSeries
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<Selector>> served;

    private ServedSeries(IReadOnlyDictionary<string, IReadOnlyList<Selector>> served) => this.served = served;

    /// <summary>No family listed: every input is fed with exactly the labels its selector names.</summary>
    public static ServedSeries None { get; } = new(new Dictionary<string, IReadOnlyList<Selector>>());

    /// <summary>The series of a Prometheus text exposition whose metric name starts with <paramref name="prefix"/>.</summary>
    public static ServedSeries FromExposition(string exposition, string prefix) =>
        new(exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => SelectorParser.Parse(line[..line.LastIndexOf(' ')]))
            .OfType<Selector>()
            .Where(s => s.Metric.StartsWith(prefix, StringComparison.Ordinal))
            .GroupBy(s => s.Metric)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Selector>)[.. g]));

    /// <summary>The first served series matching every matcher of <paramref name="selector"/>, or the selector itself.</summary>
    public Selector Complete(Selector selector) =>
        Of(selector.Metric).FirstOrDefault(s => Matches(s, selector)) ?? selector;

    /// <summary>A served series matched by <paramref name="total"/> but not by <paramref name="part"/>, if the family is listed.</summary>
    public Selector? Sibling(Selector part, Selector total) =>
        Of(total.Metric).FirstOrDefault(s => Matches(s, total) && !Matches(s, part));

    private IReadOnlyList<Selector> Of(string metric) => served.GetValueOrDefault(metric) ?? [];

    private static bool Matches(Selector series, Selector selector) =>
        series.Metric == selector.Metric && selector.Matchers.All(m => series.Matchers.Contains(m));
}
