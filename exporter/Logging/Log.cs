namespace SaasExporter.Logging;

/// <summary>Every log line of the exporter, source-generated. Messages never include connection strings.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Collector {Collector} polled in {DurationMs:F0} ms ({Samples} series)")]
    public static partial void PollSucceeded(ILogger logger, string collector, double durationMs, int samples);

    [LoggerMessage(22, LogLevel.Information, "First complete exposition {Seconds:F1} s after start (the last collector: {Collector}); saas_exporter_collector_first_success_seconds has each one's")]
    public static partial void FirstComplete(ILogger logger, double seconds, string collector);

    [LoggerMessage(2, LogLevel.Warning, "Collector {Collector} poll failed after {DurationMs:F0} ms; keeping its last values: {Error}")]
    public static partial void PollFailed(ILogger logger, string collector, double durationMs, string error);

    [LoggerMessage(3, LogLevel.Warning, "Collector {Collector} disabled: {Reason}")]
    public static partial void CollectorDisabled(ILogger logger, string collector, string reason);

    [LoggerMessage(4, LogLevel.Information, "Retrying {Collector} after a transient database failure (attempt {Attempt}, in {DelayMs:F0} ms): {Error}")]
    public static partial void Retrying(ILogger logger, string collector, int attempt, double delayMs, string error);

    [LoggerMessage(5, LogLevel.Warning, "Database circuit opened for {BreakSeconds:F0} s after repeated connection failures")]
    public static partial void CircuitOpened(ILogger logger, double breakSeconds);

    [LoggerMessage(6, LogLevel.Information, "Database circuit closed: the database answers again")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(7, LogLevel.Information, "Serving /metrics on {Url} with collectors: {Collectors}")]
    public static partial void Serving(ILogger logger, string url, string collectors);

    [LoggerMessage(8, LogLevel.Information, "Activity index loaded: {Users} users, {Megabytes:F1} MB, in {Seconds:F1} s")]
    public static partial void IndexLoaded(ILogger logger, int users, double megabytes, double seconds);

    [LoggerMessage(9, LogLevel.Warning, "Activity index load failed after {Seconds:F1} s: {Error}")]
    public static partial void IndexLoadFailed(ILogger logger, double seconds, string error);

    [LoggerMessage(20, LogLevel.Warning, "{Warning}")]
    public static partial void PrivilegedRole(ILogger logger, string warning);

    [LoggerMessage(21, LogLevel.Information, "Could not check the database role's privileges at start: {Error}")]
    public static partial void PrivilegeCheckFailed(ILogger logger, string error);
}
