using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Events.Sessions;

/// <summary><see cref="SessionDefinition"/>'s quantiles from the qualifying events of the window, in one statement.</summary>
internal sealed class SessionSql(SessionDefinition definition) : IEventSource<SessionCounts>
{
    // Identical timestamps of one user cannot change a session, so they are collapsed first; this also keeps the
    // lag() and running sum() orderings strict and therefore consistent.
    private const string Sql = $$"""
        WITH qualifying AS ({{QualifyingEvents.Sql}}),
        instants AS (
            SELECT DISTINCT user_id, occurred_at FROM qualifying
        ),
        marked AS (
            SELECT user_id, occurred_at,
                   CASE WHEN occurred_at - lag(occurred_at) OVER (PARTITION BY user_id ORDER BY occurred_at) < @gap
                        THEN 0 ELSE 1 END AS starts_session
            FROM instants
        ),
        numbered AS (
            SELECT user_id, occurred_at,
                   sum(starts_session) OVER (PARTITION BY user_id ORDER BY occurred_at ROWS UNBOUNDED PRECEDING) AS session_no
            FROM marked
        ),
        sessions AS (
            SELECT user_id, extract(epoch FROM max(occurred_at) - min(occurred_at))::float8 AS duration
            FROM numbered
            GROUP BY user_id, session_no
        ),
        per_user AS (
            SELECT count(*)::float8 AS sessions FROM sessions GROUP BY user_id
        )
        SELECT (SELECT percentile_cont(@quantiles) WITHIN GROUP (ORDER BY sessions) FROM per_user) AS sessionsperuser,
               (SELECT percentile_cont(@quantiles) WITHIN GROUP (ORDER BY duration) FROM sessions) AS durations
        """;

    public async Task<SessionCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<Row>(Sql, new
        {
            now,
            after = now - definition.Window.Length,
            excluded = definition.Options.ExcludedEvents,
            gap = definition.Gap,
            quantiles = Quantiles.MedianAndP90,
        }, cancellationToken);

        var row = rows.Single();
        return new SessionCounts(row.SessionsPerUser, row.Durations);
    }

    private sealed class Row
    {
        public double[]? SessionsPerUser { get; init; }

        public double[]? Durations { get; init; }
    }
}
