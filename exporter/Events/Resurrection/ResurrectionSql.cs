using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Events.Resurrection;

/// <summary><see cref="ResurrectionDefinition"/>'s counts from the events of the last 2W and an index probe per user for older activity.</summary>
internal sealed class ResurrectionSql(ResurrectionDefinition definition) : IEventSource<ResurrectionCounts>
{
    // Recent activity comes from one scan of the last 2W; "ever active before now-2W" is an index probe per user
    // (events (user_id, occurred_at)) instead of a scan of the whole history.
    private const string Sql = $$"""
        WITH recent AS (
            -- Only ever joined to qualifying users below, so the events need not be joined to users first.
            SELECT e.user_id,
                   bool_or(e.occurred_at <= @now - @window) AS before_window,
                   bool_or(e.occurred_at > @now - @window) AS in_window
            FROM events e
            WHERE {{QualifyingEvents.EventPredicate}}
            GROUP BY e.user_id
        ),
        dormant AS (
            SELECT q.user_id, coalesce(r.in_window, false) AS resurrected
            FROM ({{QualifyingEvents.Users}}) q
            LEFT JOIN recent r ON r.user_id = q.user_id
            WHERE NOT coalesce(r.before_window, false)
              AND EXISTS (SELECT 1 FROM events e
                          WHERE e.user_id = q.user_id AND e.occurred_at <= @after AND e.name <> ALL(@excluded))
        )
        SELECT count(*) AS dormant, count(*) FILTER (WHERE resurrected) AS resurrected FROM dormant
        """;

    public async Task<ResurrectionCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var window = ResurrectionDefinition.DormancyWindow.Length;
        var rows = await db.QueryAsync<ResurrectionCounts>(Sql, new
        {
            now,
            after = now - (2 * window),
            window,
            excluded = definition.Options.ExcludedEvents,
        }, cancellationToken);
        return rows.Single();
    }
}
