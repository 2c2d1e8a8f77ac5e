using System.Globalization;

namespace SaasExporter.Collectors;

/// <summary>Quantile label values and the fractions PostgreSQL's percentile_cont receives.</summary>
internal static class Quantiles
{
    public static readonly double[] MedianAndP90 = [0.5, 0.9];
    public static readonly double[] MedianP75P90 = [0.5, 0.75, 0.9];

    public static string Label(double q) => q.ToString("0.0#", CultureInfo.InvariantCulture);

    /// <summary>Pairs each fraction with its value; a NULL (no rows) yields no sample, never a 0.</summary>
    public static IEnumerable<Sample> Samples(MetricFamily family, double[] fractions, double[]? values, params string[] otherLabels)
    {
        if (values is null)
        {
            yield break;
        }

        for (var i = 0; i < fractions.Length; i++)
        {
            yield return family.Sample(values[i], [.. otherLabels, Label(fractions[i])]);
        }
    }
}
