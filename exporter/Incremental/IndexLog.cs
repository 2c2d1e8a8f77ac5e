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

    [LoggerMessage(33, LogLevel.Information, "Activity index snapshot {Path} loaded: {Users} users as of {Watermark:O}; reading the events after it in {Chunks} chunks")]
    public static partial void SnapshotLoaded(ILogger logger, string path, int users, DateTimeOffset watermark, int chunks);

    [LoggerMessage(34, LogLevel.Information, "Activity index snapshot {Path} ignored, loading in full: {Reason}")]
    public static partial void SnapshotIgnored(ILogger logger, string path, string reason);

    [LoggerMessage(35, LogLevel.Information, "Activity index snapshot written to {Path}: {Bytes} bytes, {Users} users as of {Watermark:O}, in {Milliseconds:F0} ms")]
    public static partial void SnapshotWritten(ILogger logger, string path, long bytes, int users, DateTimeOffset watermark, double milliseconds);

    [LoggerMessage(36, LogLevel.Warning, "Activity index snapshot could not be written to {Path}: {Error}")]
    public static partial void SnapshotWriteFailed(ILogger logger, string path, string error);

    [LoggerMessage(37, LogLevel.Warning, "Activity index snapshots are off: the database could not be identified: {Error}")]
    public static partial void SnapshotIdentityFailed(ILogger logger, string error);
}
