namespace SaasExporter.Slo.Replay;

/// <summary>
/// The rule evaluation instants a replay computes: <see cref="Count"/> instants <see cref="Step"/> apart from
/// <see cref="Start"/>, a multiple of the step since the Unix epoch (as Prometheus aligns range queries).
/// </summary>
public sealed record EvaluationGrid(DateTimeOffset Start, TimeSpan Step, int Count)
{
    public DateTimeOffset At(int k) => Start + (Step * k);

    /// <summary>Whole steps in <paramref name="window"/>: a range selector over it holds that many steps plus one sample.</summary>
    public int Steps(TimeSpan window) => (int)(window.Ticks / Step.Ticks);

    /// <summary>The index of the first instant at or after <paramref name="at"/>.</summary>
    public int IndexAtOrAfter(DateTimeOffset at) => (int)Math.Clamp(Ceiling(at - Start, Step), 0, Count);

    /// <summary>Whether the instant of index <paramref name="k"/> is a multiple of <paramref name="unit"/> since the epoch.</summary>
    public bool IsAligned(int k, TimeSpan unit) => (At(k) - DateTimeOffset.UnixEpoch).Ticks % unit.Ticks == 0;

    /// <summary>The grid from <paramref name="from"/> (rounded down to the step) to <paramref name="to"/> inclusive.</summary>
    public static EvaluationGrid Covering(DateTimeOffset from, DateTimeOffset to, TimeSpan step)
    {
        var start = DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(Floor(from - DateTimeOffset.UnixEpoch, step) * step.Ticks);
        return new EvaluationGrid(start, step, (int)Floor(to - start, step) + 1);
    }

    private static long Floor(TimeSpan span, TimeSpan step) => (long)Math.Floor((double)span.Ticks / step.Ticks);

    private static long Ceiling(TimeSpan span, TimeSpan step) => (long)Math.Ceiling((double)span.Ticks / step.Ticks);
}
