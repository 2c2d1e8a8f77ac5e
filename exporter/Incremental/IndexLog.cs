namespace SaasExporter.Incremental;

/// <summary>The activity index's log lines beyond loaded and failed (SaasExporter.Logging.Log), source-generated.</summary>
internal static partial class IndexLog
{
    [LoggerMessage(30, LogLevel.Information,
        "Activity index load: chunk {Chunk} of {Chunks} ({After:O} to {Until:O}, {Rows} rows) in {Seconds:F1} s; {Percent:F0}% done, about {RemainingSeconds:F0} s left")]
    public static partial void ChunkLoaded(
        ILogger logger, int chunk, int chunks, DateTimeOffset after, DateTimeOffset until, long rows, double seconds, double percent, double remainingSeconds);

    [LoggerMessage(31, LogLevel.Information, "Activity index load resumed after chunk {Completed} of {Chunks}; finished chunks are not read again")]
    public static partial void LoadResumed(ILogger logger, int completed, int chunks);

    [LoggerMessage(32, LogLevel.Information, "Activity index load planned as of {Now:O}: {Chunks} chunks of at most {Span}")]
    public static partial void LoadPlanned(ILogger logger, DateTimeOffset now, int chunks, TimeSpan span);
}
