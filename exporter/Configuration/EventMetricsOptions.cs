using System.ComponentModel.DataAnnotations;

namespace SaasExporter.Configuration;

/// <summary>Where the event-derived metrics come from.</summary>
public enum EventMetricsSource
{
    /// <summary>
    /// Each poll aggregates the raw events in SQL: the reference implementation and the differential tests' oracle, for
    /// small databases or debugging (docs/configuration.md "Incremental event metrics").
    /// </summary>
    Sql,

    /// <summary>An in-memory activity index, loaded once and then fed only the events after its watermark (the default).</summary>
    Incremental,
}

/// <summary>The incremental activity index (README "Incremental event metrics").</summary>
public sealed class EventMetricsOptions
{
    /// <summary>Where the event-derived metrics come from; the index by default, since a steady poll then reads only new rows.</summary>
    public EventMetricsSource Source { get; set; } = EventMetricsSource.Incremental;

    /// <summary>
    /// Each poll re-reads events from this long before the watermark, so rows inserted late (with an occurred_at up to
    /// this far in the past) are still counted. Older late rows wait for the next rebuild.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Lateness { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wall-clock time between two full rebuilds, which repair deleted, updated and very late rows.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan RebuildInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Statement timeout of each chunk of the first load and of each rebuild (docs/operations.md).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "02:00:00")]
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Span of event time one statement of a full load reads (docs/operations.md "Index first load and warm restarts"):
    /// the history is read oldest first in chunks of this span, and a failed load resumes after the last finished chunk.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "366.00:00:00")]
    public TimeSpan LoadChunkSpan { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Optional file on local disk holding a snapshot of the index, so that a restart loads it and reads only the
    /// events after its watermark (docs/operations.md "Index first load and warm restarts"). Unset: no snapshot.
    /// </summary>
    public string? SnapshotPath { get; set; }

    /// <summary>Wall-clock time between two snapshot writes (one is also written after every full load).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(15);
}
