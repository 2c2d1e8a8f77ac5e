namespace SaasExporter.Incremental;

/// <summary>The activity index as of an instant: the instant in UTC ticks and its calendar day in the reporting time zone.</summary>
internal readonly record struct IndexView(ActivityIndex Index, DateTimeOffset Now, int Today)
{
    public long NowTicks => Now.UtcTicks;

    /// <summary>Ticks of the start of the rolling window (now - length, now]: an instant is inside when greater than this.</summary>
    public long WindowStart(TimeSpan length) => NowTicks - length.Ticks;
}
