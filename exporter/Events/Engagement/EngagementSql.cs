using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Events.Engagement;

/// <summary><see cref="EngagementDefinition"/>'s counts from one scan of the qualifying events.</summary>
internal sealed class EngagementSql(EngagementDefinition definition) : IEventSource<EngagementCounts>
{
    // One aggregation per (user, platform, calendar day) feeds every output, so events are read once; the internal
    // users are dropped after it, when there is one row per user and day left to join instead of one per event.
    private const string Sql = $$"""
        WITH l30 AS (
            SELECT (@now AT TIME ZONE @tz)::date - (@l30_days - 1) AS first_day
        ),
        per_day AS (
            SELECT d.user_id, q.account_id, d.platform, d.day, d.last_at
            FROM (
                SELECT e.user_id, e.platform, (e.occurred_at AT TIME ZONE @tz)::date AS day, max(e.occurred_at) AS last_at
                FROM events e
                WHERE {{QualifyingEvents.EventPredicate}}
                GROUP BY e.user_id, e.platform, day
            ) d
            JOIN ({{QualifyingEvents.Users}}) q ON q.user_id = d.user_id
        ),
        per_user AS (
            SELECT user_id, account_id, max(last_at) AS last_at,
                   count(DISTINCT day) FILTER (WHERE day >= (SELECT first_day FROM l30)) AS l30_days
            FROM per_day
            GROUP BY user_id, account_id
        )
        SELECT 'active_users' AS family, (w.i - 1)::int AS i, 0 AS j, count(p.user_id) AS value
        FROM unnest(@window_lengths::interval[]) WITH ORDINALITY AS w(length, i)
        LEFT JOIN per_user p ON p.last_at > @now - w.length
        GROUP BY w.i
        UNION ALL
        SELECT 'active_accounts', (w.i - 1)::int, 0, count(DISTINCT p.account_id)
        FROM unnest(@window_lengths::interval[]) WITH ORDINALITY AS w(length, i)
        LEFT JOIN per_user p ON p.last_at > @now - w.length
        GROUP BY w.i
        UNION ALL
        SELECT 'days', d, 0, count(p.user_id)
        FROM generate_series(1, @l30_days) AS d
        LEFT JOIN per_user p ON p.l30_days = d
        GROUP BY d
        UNION ALL
        SELECT 'power', 0, 0, count(*) FILTER (WHERE l30_days >= @power_min_days)
        FROM per_user
        UNION ALL
        SELECT 'platform', (pl.i - 1)::int, 0, count(DISTINCT pd.user_id)
        FROM unnest(@platforms::text[]) WITH ORDINALITY AS pl(name, i)
        LEFT JOIN per_day pd ON pd.platform = pl.name AND pd.last_at > @now - @platform_window
        GROUP BY pl.i
        """;

    public async Task<EngagementCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var options = definition.Options;
        var rows = await db.QueryAsync<CountRow>(Sql, new
        {
            now,
            after = now - definition.History,
            tz = options.ReportingTimeZone,
            excluded = options.ExcludedEvents,
            l30_days = EngagementDefinition.L30Days,
            window_lengths = definition.Windows.Select(w => w.Length).ToArray(),
            power_min_days = options.PowerUserMinDays,
            platforms = definition.Platforms,
            platform_window = definition.PlatformWindow.Length,
        }, cancellationToken);

        var counts = definition.NewCounts();
        foreach (var row in rows)
        {
            _ = row.Family switch
            {
                "active_users" => counts.ActiveUsers[row.I] = row.Value,
                "active_accounts" => counts.ActiveAccounts[row.I] = row.Value,
                "days" => counts.UsersByActiveDays[row.I] = row.Value,
                "power" => counts.PowerUsers = row.Value,
                "platform" => counts.PlatformUsers[row.I] = row.Value,
                _ => throw CountRow.Unexpected(row),
            };
        }

        return counts;
    }
}
