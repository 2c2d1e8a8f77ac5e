namespace SaasExporter.Incremental;

/// <summary>
/// A full load in progress: the index being filled and its chunks, oldest first. <see cref="Completed"/> chunks are in
/// the index; a failed load is resumed from there, so no finished chunk is read again. A warm start is a load too: an
/// index read from a snapshot, and the chunks after its watermark.
/// </summary>
internal sealed class IndexLoad(ActivityIndex index, IReadOnlyList<LoadChunk> chunks, DateTimeOffset now)
{
    private int _completed;

    public ActivityIndex Index { get; } = index;

    public IReadOnlyList<LoadChunk> Chunks { get; } = chunks;

    /// <summary>The instant the load is as of: its events are those up to here, and it becomes the index's watermark.</summary>
    public DateTimeOffset Now { get; } = now;

    public int Completed => Volatile.Read(ref _completed);

    public bool IsComplete => Completed == Chunks.Count;

    public LoadChunk Next => Chunks[Completed];

    /// <summary>Fraction of the chunks read (1 with no chunk at all).</summary>
    public double Ratio => Chunks.Count == 0 ? 1 : (double)Completed / Chunks.Count;

    public void CompleteNext() => Interlocked.Increment(ref _completed);
}
