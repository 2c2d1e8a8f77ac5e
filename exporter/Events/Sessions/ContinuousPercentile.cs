namespace SaasExporter.Events.Sessions;

/// <summary>
/// PostgreSQL's percentile_cont(fractions) over float8, computed the same way so both sources serve the same doubles:
/// for each fraction p the position p * (n - 1) of the sorted values, and between its two neighbours the value
/// lo + (position - floor(position)) * (hi - lo).
/// </summary>
internal static class ContinuousPercentile
{
    /// <summary>The percentiles of <paramref name="values"/> (sorted in place), or null when there are none, as SQL's NULL.</summary>
    public static double[]? Of(List<double> values, double[] fractions)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var result = new double[fractions.Length];
        for (var i = 0; i < fractions.Length; i++)
        {
            var position = fractions[i] * (values.Count - 1);
            var low = Math.Floor(position);
            var high = Math.Ceiling(position);
            var lo = values[(int)low];
            result[i] = low == high ? lo : lo + ((position - low) * (values[(int)high] - lo));
        }

        return result;
    }
}
