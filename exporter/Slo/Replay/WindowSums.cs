namespace SaasExporter.Slo.Replay;

/// <summary>
/// Prefix sums of a per-evaluation series with gaps, so that the count and sum of the samples in any window of
/// evaluations cost two subtractions: what avg_over_time needs.
/// </summary>
public sealed class WindowSums
{
    private readonly long[] counts;
    private readonly double[] sums;

    public WindowSums(IReadOnlyList<double?> values)
    {
        counts = new long[values.Count + 1];
        sums = new double[values.Count + 1];
        for (var k = 0; k < values.Count; k++)
        {
            counts[k + 1] = counts[k] + (values[k] is null ? 0 : 1);
            sums[k + 1] = sums[k] + (values[k] ?? 0);
        }
    }

    /// <summary>Samples and their sum over evaluations [<paramref name="from"/>, <paramref name="to"/>], clipped to the series.</summary>
    public (long Count, double Sum) Over(int from, int to)
    {
        from = Math.Max(0, from);
        to = Math.Min(counts.Length - 2, to);
        return to < from ? (0, 0) : (counts[to + 1] - counts[from], sums[to + 1] - sums[from]);
    }

    /// <summary>
    /// <c>1 - avg_over_time(x[window])</c> at every evaluation: a range selector of <paramref name="steps"/> steps
    /// holds samples [k - steps, k] (Prometheus 2.x includes both ends); absent without a sample.
    /// </summary>
    public double?[] ErrorRatios(int steps, bool leftOpen = false)
    {
        var errors = new double?[counts.Length - 1];
        for (var k = 0; k < errors.Length; k++)
        {
            var (count, sum) = Over(k - steps + (leftOpen ? 1 : 0), k);
            errors[k] = count == 0 ? null : 1 - (sum / count);
        }

        return errors;
    }
}
