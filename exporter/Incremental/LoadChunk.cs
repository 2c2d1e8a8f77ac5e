namespace SaasExporter.Incremental;

/// <summary>
/// The events with occurred_at in (<see cref="After"/>, <see cref="Until"/>] that one statement of a full load reads:
/// per user only (old history) or grouped by day, platform and feature (<see cref="Detailed"/>, the recent history).
/// </summary>
internal readonly record struct LoadChunk(DateTimeOffset After, DateTimeOffset Until, bool Detailed)
{
    /// <summary>
    /// Chunks of at most <paramref name="span"/>, oldest first, covering every event up to <paramref name="now"/>: the
    /// old history (<paramref name="oldest"/> to <paramref name="cutoff"/>; none when nothing is that old) in chunks that
    /// end on the cutoff, then the recent history (cutoff, now].
    /// </summary>
    public static List<LoadChunk> Plan(DateTimeOffset? oldest, DateTimeOffset cutoff, DateTimeOffset now, TimeSpan span)
    {
        var chunks = new List<LoadChunk>();
        if (oldest is { } first && first <= cutoff)
        {
            var steps = (long)((cutoff - first).Ticks / span.Ticks) + 1;
            for (var k = steps; k > 0; k--)
            {
                chunks.Add(new LoadChunk(cutoff - TimeSpan.FromTicks(span.Ticks * k), cutoff - TimeSpan.FromTicks(span.Ticks * (k - 1)), false));
            }
        }

        for (var after = cutoff; after < now; after += span)
        {
            chunks.Add(new LoadChunk(after, after + span < now ? after + span : now, true));
        }

        return chunks;
    }
}
