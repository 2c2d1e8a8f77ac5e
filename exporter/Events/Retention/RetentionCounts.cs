namespace SaasExporter.Events.Retention;

/// <summary>
/// What either source counts for <see cref="RetentionDefinition"/> on calendar day <see cref="Today"/> (days since
/// 2000-01-01, reporting time zone): cohort and retained users per retention definition, and per weekly cohort k
/// (0 the current week) its users and those retained in each week after signup.
/// </summary>
internal sealed class RetentionCounts(int today, int definitions, int weeks)
{
    public int Today { get; } = today;

    public long[] Cohort { get; } = new long[definitions];

    public long[] Retained { get; } = new long[definitions];

    public long[] WeeklyCohort { get; } = new long[weeks];

    public long[,] WeeklyRetained { get; } = new long[weeks, weeks];
}
