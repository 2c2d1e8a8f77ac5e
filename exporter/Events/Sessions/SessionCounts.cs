namespace SaasExporter.Events.Sessions;

/// <summary>
/// What either source computes for <see cref="SessionDefinition"/>: the median and p90 (PostgreSQL percentile_cont) of
/// sessions per active user and of session duration in seconds; null when the window holds no session.
/// </summary>
internal sealed record SessionCounts(double[]? SessionsPerUser, double[]? Durations);
