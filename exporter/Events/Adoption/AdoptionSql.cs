using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Events.Adoption;

/// <summary><see cref="AdoptionDefinition"/>'s counts from one scan of the qualifying events.</summary>
internal sealed class AdoptionSql(AdoptionDefinition definition) : IEventSource<AdoptionCounts>
{
    private const string Sql = $$"""
        WITH per_feature AS (
            -- Reduced per user and feature before the (internal) users are dropped: one row each to join, not one per event.
            SELECT d.user_id, d.feature, d.last_at
            FROM (
                SELECT e.user_id, CASE WHEN e.feature = ANY(@features) THEN e.feature END AS feature, max(e.occurred_at) AS last_at
                FROM events e
                WHERE {{QualifyingEvents.EventPredicate}}
                GROUP BY e.user_id, 2
            ) d
            JOIN ({{QualifyingEvents.Users}}) q ON q.user_id = d.user_id
        ),
        breadth AS (
            SELECT user_id, count(DISTINCT feature) AS features
            FROM per_feature
            WHERE last_at > @now - @breadth_window
            GROUP BY user_id
        )
        SELECT 'feature' AS family, (f.i - 1)::int AS i, (w.i - 1)::int AS j, count(DISTINCT p.user_id) AS value
        FROM unnest(@features::text[]) WITH ORDINALITY AS f(name, i)
        CROSS JOIN unnest(@window_lengths::interval[]) WITH ORDINALITY AS w(length, i)
        LEFT JOIN per_feature p ON p.feature = f.name AND p.last_at > @now - w.length
        GROUP BY f.i, w.i
        UNION ALL
        SELECT 'breadth', (bucket.i - 1)::int, 0, count(b.user_id)
        FROM unnest(@bucket_lows::int[], @bucket_highs::int[]) WITH ORDINALITY AS bucket(low, high, i)
        LEFT JOIN breadth b ON b.features BETWEEN bucket.low AND bucket.high
        GROUP BY bucket.i
        """;

    public async Task<AdoptionCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<CountRow>(Sql, new
        {
            now,
            after = now - definition.History,
            excluded = definition.Options.ExcludedEvents,
            features = definition.Features,
            window_lengths = definition.Windows.Select(w => w.Length).ToArray(),
            breadth_window = definition.BreadthWindow.Length,
            bucket_lows = AdoptionDefinition.BreadthBuckets.Select(b => b.Low).ToArray(),
            bucket_highs = AdoptionDefinition.BreadthBuckets.Select(b => b.High).ToArray(),
        }, cancellationToken);

        var counts = definition.NewCounts();
        foreach (var row in rows)
        {
            _ = row.Family switch
            {
                "feature" => counts.FeatureUsers[row.I, row.J] = row.Value,
                "breadth" => counts.Breadth[row.I] = row.Value,
                _ => throw CountRow.Unexpected(row),
            };
        }

        return counts;
    }
}
