namespace SaasExporter.Backfill;

/// <summary>
/// The instants a backfill evaluates: every multiple of the step since the Unix epoch from <c>--from</c> to
/// <c>--to</c> inclusive, so two runs over overlapping ranges compute the same instants and their samples agree.
/// </summary>
internal sealed record BackfillSteps(DateTimeOffset First, DateTimeOffset Last, TimeSpan Step, int Count)
{
    /// <summary>A step under a minute is finer than any collector's interval and than Prometheus' usual resolution.</summary>
    public static readonly TimeSpan MinStep = TimeSpan.FromMinutes(1);

    /// <summary>Two years of hourly steps: more is a mistake in the flags, not a history anyone scrapes.</summary>
    public const int MaxSteps = 17_520;

    public static bool TryCreate(DateTimeOffset from, DateTimeOffset to, TimeSpan step, DateTimeOffset wallClock, out BackfillSteps steps, out string error)
    {
        steps = new BackfillSteps(default, default, step, 0);
        error = "";
        if (step < MinStep)
        {
            error = $"--step = {step}: must be at least one minute";
            return false;
        }

        if (from > to)
        {
            error = $"--from {from:O} is after --to {to:O}";
            return false;
        }

        if (to > wallClock)
        {
            error = $"--to {to:O} is in the future (now {wallClock:O}): history cannot be computed ahead of time";
            return false;
        }

        var stepMs = (long)step.TotalMilliseconds;
        var firstMs = CeilingTo(from.ToUnixTimeMilliseconds(), stepMs);
        var lastMs = to.ToUnixTimeMilliseconds() - Modulo(to.ToUnixTimeMilliseconds(), stepMs);
        if (firstMs > lastMs)
        {
            error = $"no multiple of --step {step} since the Unix epoch lies between --from {from:O} and --to {to:O}";
            return false;
        }

        var count = ((lastMs - firstMs) / stepMs) + 1;
        if (count > MaxSteps)
        {
            error = $"--from {from:O} to --to {to:O} every {step} is {count} steps; at most {MaxSteps} (use a longer --step)";
            return false;
        }

        steps = new BackfillSteps(DateTimeOffset.FromUnixTimeMilliseconds(firstMs), DateTimeOffset.FromUnixTimeMilliseconds(lastMs), step, (int)count);
        return true;
    }

    public IEnumerable<DateTimeOffset> Instants()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return First + (Step * i);
        }
    }

    private static long Modulo(long value, long step) => ((value % step) + step) % step;

    private static long CeilingTo(long value, long step) => Modulo(value, step) == 0 ? value : value - Modulo(value, step) + step;
}
