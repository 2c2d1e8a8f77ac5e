using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Events.Retention;

/// <summary><see cref="RetentionDefinition"/>'s counts from the signups and the activity days of the signed-up users.</summary>
internal sealed class RetentionSql(RetentionDefinition definition) : IEventSource<RetentionCounts>
{
    /// <summary>Counted users who signed up in <c>(@now - @signup_history, @now]</c>, with their signup calendar day d0 in @tz.</summary>
    public const string Signups = $"""
        SELECT q.user_id, (q.created_at AT TIME ZONE @tz)::date AS d0
        FROM ({QualifyingEvents.Users}) q
        WHERE q.created_at > @now - @signup_history AND q.created_at <= @now
        """;

    private const string Sql = $$"""
        WITH signups AS MATERIALIZED ({{Signups}}),
        -- Activity is only ever joined to signups, who are qualifying users: reading just their events is the same
        -- rule (QualifyingEvents) and skips everyone who signed up earlier.
        active_days AS (
            SELECT DISTINCT e.user_id, (e.occurred_at AT TIME ZONE @tz)::date AS day
            FROM events e
            WHERE {{QualifyingEvents.EventPredicate}}
              AND e.user_id IN (SELECT user_id FROM signups)
        ),
        today AS (
            SELECT (@now AT TIME ZONE @tz)::date AS d
        ),
        definitions AS (
            SELECT * FROM unnest(@cohort_end_lags::int[], @first_offsets::int[], @last_offsets::int[]) WITH ORDINALITY
                AS r(cohort_end_lag, first_offset, last_offset, i)
        ),
        members AS (
            SELECT r.i, s.user_id, bool_or(ad.day IS NOT NULL) AS retained
            FROM definitions r
            CROSS JOIN today t
            JOIN signups s ON s.d0 BETWEEN t.d - r.cohort_end_lag - (@cohort_days - 1) AND t.d - r.cohort_end_lag
            LEFT JOIN active_days ad ON ad.user_id = s.user_id AND ad.day BETWEEN s.d0 + r.first_offset AND s.d0 + r.last_offset
            GROUP BY r.i, s.user_id
        ),
        cohorts AS (
            SELECT k, date_trunc('week', t.d)::date - 7 * k AS monday
            FROM today t CROSS JOIN generate_series(0, @weeks - 1) AS k
        ),
        cohort_members AS (
            SELECT c.monday, s.user_id
            FROM cohorts c
            JOIN signups s ON s.d0 >= c.monday AND s.d0 < c.monday + 7
        ),
        cells AS (
            SELECT c.k, c.monday, w AS week
            FROM cohorts c CROSS JOIN today t CROSS JOIN generate_series(0, @weeks - 1) AS w
            WHERE c.monday + 7 * w + 7 <= t.d
        )
        SELECT 'today' AS family, (t.d - DATE '2000-01-01') AS i, 0 AS j, 0::bigint AS value
        FROM today t
        UNION ALL
        SELECT 'cohort', (r.i - 1)::int, 0, count(m.user_id)
        FROM definitions r LEFT JOIN members m ON m.i = r.i
        GROUP BY r.i
        UNION ALL
        SELECT 'retained', (r.i - 1)::int, 0, count(m.user_id) FILTER (WHERE m.retained)
        FROM definitions r LEFT JOIN members m ON m.i = r.i
        GROUP BY r.i
        UNION ALL
        SELECT 'weekly_cohort', c.k, 0, count(m.user_id)
        FROM cohorts c LEFT JOIN cohort_members m ON m.monday = c.monday
        GROUP BY c.k
        UNION ALL
        SELECT 'weekly_retained', cell.k, cell.week, count(DISTINCT ad.user_id)
        FROM cells cell
        LEFT JOIN cohort_members m ON m.monday = cell.monday
        LEFT JOIN active_days ad ON ad.user_id = m.user_id
             AND ad.day >= cell.monday + 7 * cell.week AND ad.day < cell.monday + 7 * cell.week + 7
        GROUP BY cell.k, cell.week
        """;

    public async Task<RetentionCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<CountRow>(Sql, new
        {
            now,
            after = now - RetentionDefinition.ActivityHistory,
            tz = definition.Options.ReportingTimeZone,
            excluded = definition.Options.ExcludedEvents,
            signup_history = RetentionDefinition.SignupHistory,
            cohort_days = RetentionDefinition.CohortDays,
            weeks = RetentionDefinition.Weeks,
            cohort_end_lags = RetentionDefinition.Definitions.Select(r => r.Lag).ToArray(),
            first_offsets = RetentionDefinition.Definitions.Select(r => r.First).ToArray(),
            last_offsets = RetentionDefinition.Definitions.Select(r => r.Last).ToArray(),
        }, cancellationToken);

        var counts = RetentionDefinition.NewCounts(rows.Single(r => r.Family == "today").I);
        foreach (var row in rows)
        {
            _ = row.Family switch
            {
                "today" => 0,
                "cohort" => counts.Cohort[row.I] = row.Value,
                "retained" => counts.Retained[row.I] = row.Value,
                "weekly_cohort" => counts.WeeklyCohort[row.I] = row.Value,
                "weekly_retained" => counts.WeeklyRetained[row.I, row.J] = row.Value,
                _ => throw CountRow.Unexpected(row),
            };
        }

        return counts;
    }
}
