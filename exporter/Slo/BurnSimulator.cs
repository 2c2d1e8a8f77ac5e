namespace SaasExporter.Slo;

/// <summary>
/// Replays, sample by sample, what the generated rules compute for a pattern of good and bad samples (Prometheus 2.x:
/// range selectors include both ends), so the generated tests list exactly the tiers firing at each check and avoid
/// instants where a tier sits within one sample of its threshold.
/// </summary>
public sealed class BurnSimulator(SloDefinition slo, IReadOnlyList<BurnTier> tiers, TimeSpan step, bool[] bad)
{
    public enum State
    {
        Silent,
        Firing,
        Unsure,
    }

    public State TierAt(BurnTier tier, int k)
    {
        var threshold = (double)(tier.Factor * slo.ErrorBudget);
        var hold = (int)(tier.For / step);
        var result = State.Firing;
        for (var i = k - hold; i <= k; i++)
        {
            var state = Condition(tier, threshold, i);
            if (state == State.Silent)
            {
                return State.Silent;
            }

            if (state == State.Unsure)
            {
                result = State.Unsure;
            }
        }

        return result;
    }

    /// <summary>The tiers firing at sample k, or null when any tier is within one sample of flipping.</summary>
    public IReadOnlyList<BurnTier>? FiringAt(int k)
    {
        var firing = new List<BurnTier>();
        foreach (var tier in tiers)
        {
            switch (TierAt(tier, k))
            {
                case State.Unsure:
                    return null;
                case State.Firing:
                    firing.Add(tier);
                    break;
            }
        }

        return firing;
    }

    private State Condition(BurnTier tier, double threshold, int k)
    {
        if (k < 0 || k >= bad.Length)
        {
            return State.Silent;
        }

        var shortState = Window(tier.ShortWindow, threshold, k);
        var longState = Window(tier.LongWindow, threshold, k);
        if (shortState == State.Silent || longState == State.Silent)
        {
            return State.Silent;
        }

        return shortState == State.Unsure || longState == State.Unsure ? State.Unsure : State.Firing;
    }

    /// <summary>
    /// Whether the slice ending at sample m is good: the average over samples [m - slice, m] (both ends inclusive in
    /// Prometheus 2.x) of a ratio that is 0 on a bad sample and 1 on a good one, against timeSliceTarget; Unsure when
    /// exactly on it (null).
    /// </summary>
    public bool? SliceBad(int m)
    {
        var perSlice = (int)(slo.TimeSliceWindow!.Value / step);
        int good = 0, count = 0;
        for (var j = Math.Max(0, m - perSlice); j <= Math.Min(m, bad.Length - 1); j++)
        {
            count++;
            good += bad[j] ? 0 : 1;
        }

        var needed = slo.TimeSliceTarget!.Value * count;
        return count == 0 || good == needed ? null : good < needed;
    }

    /// <summary>Slices whose end lies in (k - window, k] (the rules' subquery over window - 1s at a step of one slice).</summary>
    private State SliceWindow(TimeSpan window, double threshold, int k) =>
        SliceCounts(window, k) is var (badCount, count) ? Compare(badCount, count, threshold, sampleMargin: false) : State.Unsure;

    /// <summary>Bad and all slices whose end lies in (k - window, k]; null when a slice is exactly on its target.</summary>
    private (int Bad, int Count)? SliceCounts(TimeSpan window, int k)
    {
        var perSlice = (int)(slo.TimeSliceWindow!.Value / step);
        var n = (int)(window / step);
        int badCount = 0, count = 0;
        for (var m = k - (k % perSlice); m > k - n && m >= 0; m -= perSlice)
        {
            if (SliceBad(m) is not { } sliceBad)
            {
                return null;
            }

            badCount += sliceBad ? 1 : 0;
            count++;
        }

        return (badCount, count);
    }

    /// <summary>
    /// With a sample margin, within one sample of the threshold either way is Unsure (float rounding or alignment of
    /// per-sample windows could flip it); whole slices are counted exactly, so only equality is Unsure.
    /// </summary>
    private static State Compare(int badCount, int count, double threshold, bool sampleMargin)
    {
        if (count == 0 || badCount == 0)
        {
            return State.Silent;
        }

        if (badCount == count)
        {
            return State.Firing;
        }

        var margin = threshold * count;
        if (Math.Abs(badCount - margin) < (sampleMargin ? 1 : 1e-9))
        {
            return State.Unsure;
        }

        return badCount > margin ? State.Firing : State.Silent;
    }

    private State Window(TimeSpan window, double threshold, int k)
    {
        if (slo.TimeSliceWindow is { } slice && window >= slice)
        {
            return SliceWindow(window, threshold, k);
        }

        var (badCount, count) = SampleCounts(window, k);
        return Compare(badCount, count, threshold, sampleMargin: true);
    }

    /// <summary>
    /// The error ratio the rules record for <paramref name="window"/> at sample k (slo:sli_error:ratio_rate{window}, the
    /// value a burn alert shows for its short window), or null when a slice in it is exactly on its target.
    /// </summary>
    public decimal? ErrorRatio(TimeSpan window, int k)
    {
        var counts = slo.TimeSliceWindow is { } slice && window >= slice ? SliceCounts(window, k) : SampleCounts(window, k);
        return counts is (var badCount, > 0 and var count) ? (decimal)badCount / count : null;
    }

    private (int Bad, int Count) SampleCounts(TimeSpan window, int k)
    {
        var n = (int)(window / step);
        int badCount = 0, count = 0;
        if (slo.Sli.Kind == SliKind.CounterRatio)
        {
            // Intervals (j-1, j] inside the window; a bad interval adds to total but not to good.
            for (var j = Math.Max(1, k - n + 1); j <= k; j++)
            {
                count++;
                badCount += bad[j] ? 1 : 0;
            }
        }
        else
        {
            for (var j = Math.Max(0, k - n); j <= k; j++)
            {
                if (slo.BusinessDays && !RuleWriter.IsBusinessDayEvaluation(DateTimeOffset.UnixEpoch + (step * j)))
                {
                    continue;
                }

                count++;
                badCount += bad[j] ? 1 : 0;
            }
        }

        return (badCount, count);
    }
}
