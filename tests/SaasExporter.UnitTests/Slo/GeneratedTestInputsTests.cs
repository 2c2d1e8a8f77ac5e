using System.Reflection;
using System.Text.RegularExpressions;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Custom;
using SaasExporter.Publishing;
using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

/// <summary>
/// The input series of every generated promtool test are series the exporter serves (issue 16): each matches one of
/// its SLO's SLI selectors, carries only the labels its family is served with (plus instance and job, which Prometheus
/// adds), and every enumerated label value (a custom collector's window, a poll result) is one the exporter serves.
/// What is served comes from the exporter's own declarations: the built-in collectors' MetricFamily fields, the self
/// metrics as exposed by a real registry, and exporter/crm-collectors.yml loaded by the custom collector loader.
/// </summary>
public sealed partial class GeneratedTestInputsTests
{
    private static readonly Lazy<SloGenerator.Result> Shipped = new(() =>
        SloGenerator.Generate(RepositoryRoot.Path, "prometheus/slos", "prometheus/rules/slo", "prometheus/tests/slo", ExporterServedSeries.Value));

    private static readonly Lazy<Dictionary<string, Served>> Catalogue = new(BuildCatalogue);

    public static TheoryData<string> SloNames() => [.. Shipped.Value.Slos.Select(s => s.Slo.Name)];

    [Theory]
    [MemberData(nameof(SloNames))]
    public void GeneratedTest_InputSeries_AreServedByTheExporter(string name)
    {
        var slo = Shipped.Value.Slos.Single(s => s.Slo.Name == name).Slo;
        var inputs = SeriesLine().Matches(Shipped.Value.Tests[$"{name}_test.yml"]).Select(m => SelectorParser.Parse(m.Groups[1].Value)!).ToList();

        Assert.NotEmpty(inputs);
        var problems = inputs.Distinct().SelectMany(series => Problems(slo, series)).Distinct().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Problems_SeriesWithAnUnservedWindowOrAnInventedLabel_AreReported()
    {
        var slo = Shipped.Value.Slos.Single(s => s.Slo.Name == "deal-win-rate").Slo;

        Assert.Contains(Problems(slo, SelectorParser.Parse("crm_deals_closed{status=\"won\", window=\"2d\"}")!), p => p.Contains("window=\"2d\"", StringComparison.Ordinal));
        Assert.Contains(Problems(slo, SelectorParser.Parse("crm_deals_closed{status=\"won\", window=\"7d\", tier=\"x\"}")!), p => p.Contains("tier", StringComparison.Ordinal));
        Assert.Contains(Problems(slo, SelectorParser.Parse("crm_deals_closed{status=\"lost\", window=\"30d\"}")!), p => p.Contains("matches no SLI selector", StringComparison.Ordinal));
        Assert.Empty(Problems(slo, SelectorParser.Parse("crm_deals_closed{instance=\"a\", job=\"saas-exporter\", status=\"won\", window=\"7d\"}")!));
    }

    private static IEnumerable<string> Problems(SloDefinition slo, Selector series)
    {
        var labels = series.Matchers.ToDictionary(m => m.Key, m => m.Value);
        var selectors = slo.Sli.Inputs.Where(s => s.Metric == series.Metric).ToList();
        if (!selectors.Any(s => s.Matchers.All(m => labels.GetValueOrDefault(m.Key) == m.Value)))
        {
            yield return $"{series.Text}: matches no SLI selector of SLO {slo.Name}";
        }

        if (series.Metric.Contains(':', StringComparison.Ordinal))
        {
            yield break; // a recording rule's output: the exporter does not serve it, the rule does
        }

        if (!Catalogue.Value.TryGetValue(series.Metric, out var served))
        {
            yield return $"{series.Text}: family {series.Metric} is served by no collector";
            yield break;
        }

        foreach (var (label, value) in labels.Where(l => l.Key is not ("instance" or "job")))
        {
            if (!served.Labels.Contains(label))
            {
                yield return $"{series.Text}: label {label} is not served on {series.Metric} (served: {string.Join(", ", served.Labels)})";
            }
            else if (served.Values.TryGetValue(label, out var values) && !values.Contains(value))
            {
                yield return $"{series.Text}: {label}=\"{value}\" is not served on {series.Metric} (served: {string.Join(", ", values)})";
            }
        }

        foreach (var missing in served.Labels.Where(l => !labels.ContainsKey(l)))
        {
            yield return $"{series.Text}: lacks label {missing}, which every served {series.Metric} series has";
        }
    }

    private sealed record Served(IReadOnlyCollection<string> Labels, IReadOnlyDictionary<string, IReadOnlyCollection<string>> Values);

    private static Dictionary<string, Served> BuildCatalogue()
    {
        var catalogue = new Dictionary<string, Served>(StringComparer.Ordinal);

        // Built-in collectors declare their families as static MetricFamily fields.
        foreach (var field in typeof(MetricFamily).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(f => f.FieldType == typeof(MetricFamily)))
        {
            var family = (MetricFamily)field.GetValue(null)!;
            catalogue[family.Name] = new Served(family.LabelNames, new Dictionary<string, IReadOnlyCollection<string>>());
        }

        // The self metrics, as a real registry exposes them for one declared collector.
        var registry = Metrics.NewCustomRegistry();
        new SelfMetrics(registry).Declare("activation", enabled: true, TimeSpan.FromMinutes(5));
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        var exposition = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        foreach (var group in ExposedSeries().Matches(exposition).Select(m => SelectorParser.Parse(m.Groups[1].Value)).OfType<Selector>().GroupBy(s => s.Metric))
        {
            var values = group.SelectMany(s => s.Matchers).Where(m => m.Key == "result").GroupBy(m => m.Key)
                .ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)[.. g.Select(m => m.Value).Distinct()]);
            catalogue[group.Key] = new Served([.. group.SelectMany(s => s.Matchers.Select(m => m.Key)).Distinct()], values);
        }

        // The compose stack's custom collectors: each metric's label columns, static labels and windows.
        var load = CustomCollectorFile.Load(Path.Combine(RepositoryRoot.Path, "exporter", "crm-collectors.yml"), new Dictionary<string, string>(), []);
        Assert.Empty(load.Errors);
        foreach (var collector in load.Collectors)
        {
            foreach (var metric in collector.Metrics)
            {
                var labels = metric.LabelColumns.Concat(metric.StaticLabels.Select(l => l.Key)).ToList();
                var values = metric.StaticLabels.ToDictionary(l => l.Key, l => (IReadOnlyCollection<string>)[l.Value]);
                if (collector.Windows.Count > 0)
                {
                    labels.Add("window");
                    values["window"] = [.. collector.Windows.Select(w => w.Label)];
                }

                catalogue[metric.Name] = new Served(labels, values);
            }
        }

        return catalogue;
    }

    [GeneratedRegex(@"- series: '([^']*)'")]
    private static partial Regex SeriesLine();

    [GeneratedRegex(@"^([a-z_:][a-z0-9_:]*(?:\{[^}]*\})?) ", RegexOptions.Multiline)]
    private static partial Regex ExposedSeries();
}
