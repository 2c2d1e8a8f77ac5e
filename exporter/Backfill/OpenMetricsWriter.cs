using System.Globalization;
using System.Text;
using SaasExporter.Collectors;
using SaasExporter.Publishing;

namespace SaasExporter.Backfill;

/// <summary>
/// Writes a backfill as OpenMetrics text, the input of <c>promtool tsdb create-blocks-from openmetrics</c>: per family
/// its TYPE and HELP, then every sample with its timestamp in seconds, and a final <c># EOF</c>. Label values and
/// HELP are escaped as the format says (backslash, double quote, line feed), so no text can break the file. Every
/// sample carries the target labels a scrape would attach (<c>job</c>, <c>instance</c>); a family's own label of that
/// name becomes <c>exported_&lt;name&gt;</c>, as Prometheus renames it on a scrape.
/// </summary>
internal static class OpenMetricsWriter
{
    public static async Task WriteAsync(BackfillHistory history, IReadOnlyList<(string Name, string Value)> target, TextWriter writer, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        foreach (var family in history.Families)
        {
            var name = FamilyName(family.Family);
            await writer.WriteAsync($"# TYPE {name} {TypeName(family.Family.Type)}\n".AsMemory(), cancellationToken);
            await writer.WriteAsync($"# HELP {name} {ExpositionText.EscapeOpenMetrics(family.Family.Help)}\n".AsMemory(), cancellationToken);
            foreach (var series in family.Series)
            {
                var labels = Labels(family.Family.LabelNames, series.LabelValues, target);
                foreach (var (at, value) in series.Points)
                {
                    line.Clear()
                        .Append(family.Family.Name).Append(labels).Append(' ')
                        .Append(Value(value)).Append(' ')
                        .Append(at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
                    await writer.WriteAsync(line, cancellationToken);
                }
            }
        }

        await writer.WriteAsync("# EOF\n".AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>An OpenMetrics counter family is named without its samples' <c>_total</c> suffix.</summary>
    private static string FamilyName(MetricFamily family) =>
        family.Type == MetricType.Counter && family.Name.EndsWith("_total", StringComparison.Ordinal) ? family.Name[..^"_total".Length] : family.Name;

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Histogram => "histogram",
        _ => "gauge",
    };

    private static string Labels(string[] names, string[] values, IReadOnlyList<(string Name, string Value)> target)
    {
        var own = names.Zip(values, (n, v) => (Name: target.Any(t => t.Name == n) ? "exported_" + n : n, Value: v));
        return "{" + string.Join(",", own.Concat(target).Select(l => $"{l.Name}=\"{ExpositionText.EscapeOpenMetrics(l.Value)}\"")) + "}";
    }

    private static string Value(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
