namespace SaasExporter.Publishing;

/// <summary>
/// The last rendered /metrics response per Accept header (text or OpenMetrics), reused while nothing changed: values
/// only change when a poll ends, so between polls a scrape is a copy of bytes instead of a render of every series
/// under the publish gate. A render older than <see cref="MaxAge"/> is never reused, whatever the generation says.
/// </summary>
public sealed class ExpositionCache(MetricPublisher publisher, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private const int MaxVariants = 8;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The cached response for the Accept header, if it is of the current generation and young enough.</summary>
    public bool TryGet(string accept, out string contentType, out ReadOnlyMemory<byte> body)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(accept, out var entry) && entry.Generation == publisher.Generation
                && time.GetElapsedTime(entry.RenderedAt) < MaxAge)
            {
                (contentType, body) = (entry.ContentType, entry.Body);
                return true;
            }
        }

        (contentType, body) = ("", default);
        return false;
    }

    /// <summary>
    /// The last complete render for the Accept header, however old: what a scrape answers while a publish holds the
    /// gate. It is the previous poll's values, whole, never half of the poll being published.
    /// </summary>
    public bool TryGetLast(string accept, out string contentType, out ReadOnlyMemory<byte> body)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(accept, out var entry))
            {
                (contentType, body) = (entry.ContentType, entry.Body);
                return true;
            }
        }

        (contentType, body) = ("", default);
        return false;
    }

    /// <summary>Stores a render; <paramref name="generation"/> must have been read before rendering began.</summary>
    public void Store(string accept, long generation, long renderedAt, string contentType, byte[] body)
    {
        lock (_lock)
        {
            if (_entries.Count >= MaxVariants && !_entries.ContainsKey(accept))
            {
                _entries.Clear();
            }

            _entries[accept] = new Entry(generation, renderedAt, contentType, body);
        }
    }

    private sealed record Entry(long Generation, long RenderedAt, string ContentType, byte[] Body);
}
