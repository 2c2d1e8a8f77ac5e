namespace SaasExporter.Slo.Replay;

/// <summary>The good and counted occurrences (evaluations, slices or events) of one month.</summary>
public sealed record MonthTally(double Good, double Total)
{
    public double? Attainment => Total > 0 ? Good / Total : null;
}
