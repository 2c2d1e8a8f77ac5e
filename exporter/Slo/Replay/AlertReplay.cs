namespace SaasExporter.Slo.Replay;

/// <summary>
/// What Prometheus' rule manager does with an alert's condition, evaluation by evaluation: the alert becomes pending
/// at the first evaluation with the condition, fires at the first evaluation at least <c>for:</c> after that, and
/// resolves at the first evaluation without it (pending or firing, it starts over). State starts empty at the first
/// evaluation replayed.
/// </summary>
public static class AlertReplay
{
    /// <summary>The firings over evaluations [<paramref name="first"/>, <paramref name="end"/>) of <paramref name="grid"/>.</summary>
    public static IReadOnlyList<Firing> Firings(bool[] condition, EvaluationGrid grid, int first, int end, TimeSpan hold, DateTimeOffset replayEnd)
    {
        var firings = new List<Firing>();
        DateTimeOffset? pendingSince = null;
        DateTimeOffset? firingSince = null;
        for (var k = first; k < end; k++)
        {
            var at = grid.At(k);
            if (condition[k])
            {
                pendingSince ??= at;
                if (firingSince is null && at - pendingSince.Value >= hold)
                {
                    firingSince = at;
                }

                continue;
            }

            if (firingSince is { } started)
            {
                firings.Add(new Firing(pendingSince!.Value, started, at, Ongoing: false));
            }

            pendingSince = null;
            firingSince = null;
        }

        if (firingSince is { } stillFiring)
        {
            firings.Add(new Firing(pendingSince!.Value, stillFiring, replayEnd, Ongoing: true));
        }

        return firings;
    }
}
