using SaasExporter.Database;

namespace SaasExporter.Collectors;

/// <summary><see cref="AccountHealthDefinition"/>'s inputs in one statement, usage aggregated from the raw events.</summary>
internal sealed class AccountHealthSql(AccountHealthDefinition definition) : Events.IEventSource<IReadOnlyList<AccountHealthInputs>>
{
    private const string Sql = $"""
        WITH {AccountHealthQuery.CustomerCtes},
        -- Events reduced to one row per (user, day) first, then joined to their (non-internal) users and accounts:
        -- far fewer rows to join and to count distinct over.
        activity AS MATERIALIZED (
            SELECT d.account_id,
                   count(DISTINCT d.user_id) FILTER (WHERE d.last_at > @now - @usage_window) AS active_users,
                   count(DISTINCT d.day) FILTER (WHERE d.day >= (@now AT TIME ZONE @tz)::date - 29) AS active_days
            FROM (
                SELECT q.account_id, r.user_id, r.day, r.last_at
                FROM (
                    SELECT e.user_id, (e.occurred_at AT TIME ZONE @tz)::date AS day, max(e.occurred_at) AS last_at
                    FROM events e
                    WHERE {QualifyingEvents.EventPredicate}
                    GROUP BY e.user_id, 2
                ) r
                JOIN ({QualifyingEvents.Users}) q ON q.user_id = r.user_id
            ) d
            GROUP BY d.account_id
        )
        SELECT c.mrr::float8 AS mrr, coalesce(p.mrr, 0)::float8 AS mrrninetydaysago,
               coalesce(m.users, 0) AS users, coalesce(a.active_users, 0) AS activeusers, coalesce(a.active_days, 0) AS activedays,
               coalesce(t.open_tickets, 0) AS opentickets, coalesce(t.slow_tickets, 0) AS slowtickets,
               n.score::integer AS latestnps, sc.account_id IS NOT NULL AS scheduledchurn
        FROM customers c
        LEFT JOIN paid_then p ON p.account_id = c.account_id
        LEFT JOIN members m ON m.account_id = c.account_id
        LEFT JOIN activity a ON a.account_id = c.account_id
        LEFT JOIN ticket_load t ON t.account_id = c.account_id
        LEFT JOIN latest_nps n ON n.account_id = c.account_id
        LEFT JOIN scheduled_churn sc ON sc.account_id = c.account_id
        ORDER BY c.account_id
        """;

    public async Task<IReadOnlyList<AccountHealthInputs>> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        await db.QueryAsync<string>(AccountHealthQuery.NoNestedLoops, null, cancellationToken);
        return [.. await db.QueryAsync<AccountHealthInputs>(Sql, AccountHealthQuery.Parameters(now, definition.Options), cancellationToken)];
    }
}
