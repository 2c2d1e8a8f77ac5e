using System.Text;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Publishing;

namespace SaasExporter.Slo;

/// <summary>The collectors' self metrics as the exporter serves them, for the SLO compiler's generated tests.</summary>
public static class ExporterServedSeries
{
    private static readonly Lazy<ServedSeries> Served = new(Expose);

    public static ServedSeries Value => Served.Value;

    private static ServedSeries Expose()
    {
        var registry = Metrics.NewCustomRegistry();
        new SelfMetrics(registry).Declare(ActivationCollector.Descriptor.Name, enabled: true, TimeSpan.FromMinutes(5));
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        return ServedSeries.FromExposition(Encoding.UTF8.GetString(stream.ToArray()), "saas_exporter_collector_");
    }
}
