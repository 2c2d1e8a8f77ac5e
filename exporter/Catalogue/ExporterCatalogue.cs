using System.Globalization;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Hosting;
using SaasExporter.Publishing;
using SaasExporter.Web;

namespace SaasExporter.Catalogue;

/// <summary>
/// Everything the exporter can serve for one configuration, known without querying the database: every series name,
/// its labels and the exact label values where configuration or code bounds them. <see cref="CanMatch(string)"/>
/// tells whether a PromQL selector can ever select one of them, so rules, SLOs and panels can be checked against it.
/// </summary>
public sealed class ExporterCatalogue
{
    /// <summary>Labels Prometheus adds at scrape time: any selector may constrain them.</summary>
    public static readonly IReadOnlySet<string> TargetLabels = new HashSet<string>(StringComparer.Ordinal) { "job", "instance" };


    private readonly Dictionary<string, CatalogueFamily> _byName;

    public ExporterCatalogue(IEnumerable<CatalogueFamily> families)
    {
        Families = [.. families.OrderBy(f => f.Name, StringComparer.Ordinal)];
        _byName = Families.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    /// <summary>Every series name the exporter can serve, ordered by name.</summary>
    public IReadOnlyList<CatalogueFamily> Families { get; }

    public CatalogueFamily? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The catalogue of loaded settings without errors (<see cref="ExporterConfiguration.Load(IConfiguration)"/>), read
    /// from the collectors' descriptors: nothing is built and nothing connects to the database. Disabled collectors
    /// serve nothing.
    /// </summary>
    public static ExporterCatalogue For(ExporterSettings settings)
    {
        var options = settings.Options;
        var enabled = settings.Collectors.Where(c => options.For(c.Name).Enabled).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var families = new List<CatalogueFamily>();
        foreach (var collector in BuiltInCollectors.Descriptors.Where(c => enabled.Contains(c.Name)))
        {
            foreach (var family in collector.Families)
            {
                var labels = family.LabelNames.Select(l => collector.LabelValues(family.Name, l, options) ?? new CatalogueLabel(l, null, "unlisted")).ToList();
                families.AddRange(Series(family.Name, family.Type, collector.Name, family.Help, labels, family.Buckets));
            }
        }

        foreach (var custom in settings.CustomCollectors.Where(c => enabled.Contains(c.Name)))
        {
            foreach (var family in CustomSqlCollector.Describe(custom).Families)
            {
                var labels = family.LabelNames.Select(l => CustomLabel(custom, family.Name, l, options.CustomCollectorsFile!)).ToList();
                families.AddRange(Series(family.Name, family.Type, custom.Name, family.Help, labels, family.Buckets));
            }
        }

        string[] all = [.. settings.Collectors.Select(c => c.Name)];
        families.AddRange(SelfSeries(all, [.. all.Where(enabled.Contains)], options, basicAuthentication: settings.Web.Users.Count > 0));
        return new ExporterCatalogue(families);
    }

    /// <summary>Whether <paramref name="selector"/> (<c>metric{a="x", b=~"y|z"}</c>) can ever select a served series.</summary>
    public SelectorVerdict CanMatch(string selector) => CanMatch(VectorSelector.Parse(selector));

    public SelectorVerdict CanMatch(VectorSelector selector)
    {
        if (selector.Metric.Length == 0)
        {
            var named = Families.Where(f => selector.SelectsName(f.Name)).Select(f => CanMatch(selector.Named(f.Name))).ToList();
            return named.Count == 0 ? SelectorVerdict.No($"the exporter serves no series whose name matches {string.Join(", ", selector.Matchers.Where(m => m.Label == VectorSelector.NameLabel))}")
                : named.FirstOrDefault(v => v.CanMatch) ?? named[0];
        }

        if (Find(selector.Metric) is not { } family)
        {
            return SelectorVerdict.No($"the exporter serves no series named {selector.Metric}");
        }

        foreach (var matchers in selector.Matchers.GroupBy(m => m.Label, StringComparer.Ordinal))
        {
            var label = family.Label(matchers.Key);
            if (label is { Open: true } || (label is null && TargetLabels.Contains(matchers.Key)))
            {
                if (matchers.FirstOrDefault(m => !m.CanMatchSomeValue) is { } never)
                {
                    return SelectorVerdict.No($"{never} can never hold: label {matchers.Key} of {family.Name} always has a value");
                }

                continue;
            }

            IReadOnlyList<string> values = label?.Values ?? [""];
            if (!values.Any(v => matchers.All(m => m.Matches(v))))
            {
                var served = label is null
                    ? $"{family.Name} has no label {matchers.Key} (labels: {string.Join(", ", family.Labels.Select(l => l.Name).DefaultIfEmpty("none"))})"
                    : $"{family.Name} serves {matchers.Key} = {string.Join(", ", values)} ({label.Source})";
                return SelectorVerdict.No($"{string.Join(", ", matchers)} matches nothing: {served}");
            }
        }

        return SelectorVerdict.Yes;
    }

    private static CatalogueLabel CustomLabel(CustomCollectorDefinition definition, string family, string label, string file)
    {
        var metric = definition.Metrics.Single(m => m.Name == family);
        if (metric.StaticLabels.FirstOrDefault(s => s.Key == label) is { Key: not null } fixedLabel)
        {
            return CatalogueLabel.Fixed(label, $"custom: {file}: static_labels", fixedLabel.Value);
        }

        return label == "window" && definition.Windows.Count > 0 && !metric.LabelColumns.Contains(label)
            ? CatalogueLabel.Fixed(label, $"custom: {file}: windows", definition.Windows.Select(w => w.Label))
            : CatalogueLabel.FromData(label);
    }

    private static IEnumerable<CatalogueFamily> Series(string name, MetricType type, string collector, string help,
        IReadOnlyList<CatalogueLabel> labels, IReadOnlyList<double> buckets)
    {
        var typeName = type.ToString().ToLowerInvariant();
        if (type != MetricType.Histogram)
        {
            yield return new CatalogueFamily(name, name, typeName, collector, help, labels);
            yield break;
        }

        var le = CatalogueLabel.Fixed("le", "code", [.. buckets.Select(b => b.ToString(CultureInfo.InvariantCulture)), "+Inf"]);
        yield return new CatalogueFamily(name + "_bucket", name, typeName, collector, help, [.. labels, le]);
        yield return new CatalogueFamily(name + "_sum", name, typeName, collector, help, labels);
        yield return new CatalogueFamily(name + "_count", name, typeName, collector, help, labels);
    }

    /// <summary>
    /// The exporter's own series (<see cref="SelfMetrics"/>): whether a collector is enabled is served for every
    /// collector, the rest only for the enabled ones.
    /// </summary>
    private static IEnumerable<CatalogueFamily> SelfSeries(string[] collectors, string[] enabledCollectors, ExporterOptions options, bool basicAuthentication)
    {
        const string self = "exporter";
        var collector = CatalogueLabel.Fixed("collector", "collectors (enabled)", enabledCollectors);
        var anyCollector = CatalogueLabel.Fixed("collector", "collectors", collectors);
        var notEnumerated = "code (not enumerated)";
        var series = new List<CatalogueFamily>
        {
            new("saas_exporter_collector_up", "saas_exporter_collector_up", "gauge", self, "1 if the collector's last poll succeeded.", [collector]),
            new("saas_exporter_collector_last_success_timestamp_seconds", "saas_exporter_collector_last_success_timestamp_seconds", "gauge", self, "Unix time of the collector's last successful poll.", [collector]),
            new("saas_exporter_collector_runs_total", "saas_exporter_collector_runs_total", "counter", self, "Polls of the collector by result.", [collector, CatalogueLabel.Fixed("result", "code", "success", "failure")]),
            new("saas_exporter_collector_scheduled_polls_total", "saas_exporter_collector_scheduled_polls_total", "counter", self, "Scheduled polls of the collector by result (one per interval, retries not counted again).", [collector, CatalogueLabel.Fixed("result", "code", "success", "failure")]),
            new("saas_exporter_collector_first_success_seconds", "saas_exporter_collector_first_success_seconds", "gauge", self, "Seconds from the exporter's start to the collector's first successful poll.", [collector]),
            new("saas_exporter_collector_enabled", "saas_exporter_collector_enabled", "gauge", self, "1 if the collector is enabled.", [anyCollector]),
            new("saas_exporter_collector_interval_seconds", "saas_exporter_collector_interval_seconds", "gauge", self, "Configured time between two polls of the collector.", [collector]),
            new("saas_exporter_collector_degraded", "saas_exporter_collector_degraded", "gauge", self, "1 if the collector's last successful poll dropped rows.", [collector]),
            new("saas_exporter_database_up", "saas_exporter_database_up", "gauge", self, "1 if the last attempt to reach the product database succeeded.", []),
            new("saas_exporter_rows_rejected_total", "saas_exporter_rows_rejected_total", "counter", self, "Rows skipped because they break the database contract.",
                [new CatalogueLabel("relation", null, notEnumerated), new CatalogueLabel("reason", null, notEnumerated)]),
            new("saas_exporter_identity_violations_total", "saas_exporter_identity_violations_total", "counter", self, "Polls that published nothing because an identity did not hold.",
                [collector, new CatalogueLabel("identity", null, notEnumerated)]),
            new("saas_exporter_build_info", "saas_exporter_build_info", "gauge", self, "Build information; always 1.", [CatalogueLabel.Fixed("version", "code", SelfMetrics.Version)]),
        };
        series.AddRange(Series("saas_exporter_collector_duration_seconds", MetricType.Histogram, self, "Duration of the collector's polls.", [collector], SelfMetrics.DurationBuckets));
        if (options.EventMetrics.Source == EventMetricsSource.Incremental)
        {
            series.Add(new("saas_exporter_index_users", "saas_exporter_index_users", "gauge", self, "Users held by the incremental activity index.", []));
            series.Add(new("saas_exporter_index_bytes", "saas_exporter_index_bytes", "gauge", self, "Estimated managed memory held by the incremental activity index.", []));
            series.Add(new("saas_exporter_index_load_progress_ratio", "saas_exporter_index_load_progress_ratio", "gauge", self, "Fraction of the chunks of the running or last full load of the activity index that are read.", []));
        }

        if (basicAuthentication)
        {
            series.Add(new(BasicAuthentication.UnauthorizedMetric, BasicAuthentication.UnauthorizedMetric, "counter", self,
                "HTTP requests refused with 401.", [CatalogueLabel.Fixed("reason", "code", "missing", "wrong")]));
        }

        return series;
    }
}
