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

    private State Window(TimeSpan window, double threshold, int k)
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
                count++;
                badCount += bad[j] ? 1 : 0;
            }
        }

        if (count == 0 || badCount == 0)
        {
            return State.Silent;
        }

        if (badCount == count)
        {
            return State.Firing;
        }

        // Within one sample of the threshold either way, float rounding or alignment could flip the outcome.
        var margin = threshold * count;
        if (Math.Abs(badCount - margin) < 1)
        {
            return State.Unsure;
        }

        return badCount > margin ? State.Firing : State.Silent;
    }
}
