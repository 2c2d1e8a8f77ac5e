using SaasExporter.Configuration;

namespace SaasExporter.Collectors;

/// <summary>
/// The SQL both sources of <see cref="AccountHealthDefinition"/> share: every input of a customer's health score except
/// its usage (active users and days, which the SQL source aggregates from the events and the index source reads from
/// the activity index), and the parameters they take.
/// </summary>
internal static class AccountHealthQuery
{
    // Rows that break the contract (a response or resolution before creation, an out-of-range NPS score, a bad
    // subscription row) are left out here and counted by the support, surveys and revenue collectors, not twice.
    public const string CustomerCtes = $"""
        {PaidSubscriptions.Ctes},
        paid_now AS (
            SELECT account_id, sum(mrr) AS mrr FROM valid_subscriptions
            WHERE NOT is_trial AND valid_from <= @now AND (valid_to IS NULL OR valid_to > @now)
            GROUP BY account_id
        ),
        paid_then AS MATERIALIZED (
            SELECT account_id, sum(mrr) AS mrr FROM valid_subscriptions
            WHERE NOT is_trial AND valid_from <= @then AND (valid_to IS NULL OR valid_to > @then)
            GROUP BY account_id
        ),
        customers AS (SELECT account_id, mrr FROM paid_now WHERE mrr > 0),
        -- A paid row current at now ends within the horizon, and no paid row covers the instant it ends.
        scheduled_churn AS MATERIALIZED (
            SELECT DISTINCT s.account_id
            FROM valid_subscriptions s
            JOIN customers c ON c.account_id = s.account_id
            WHERE NOT s.is_trial AND s.mrr > 0 AND s.valid_from <= @now AND s.valid_to > @now AND s.valid_to <= @now + @horizon
              AND NOT EXISTS (
                  SELECT 1 FROM valid_subscriptions n
                  WHERE n.account_id = s.account_id AND NOT n.is_trial AND n.mrr > 0
                    AND n.valid_from <= s.valid_to AND (n.valid_to IS NULL OR n.valid_to > s.valid_to))
        ),
        members AS MATERIALIZED (
            SELECT u.account_id, count(*) AS users
            FROM users u JOIN customers c ON c.account_id = u.account_id
            WHERE NOT u.is_internal AND u.created_at <= @now
            GROUP BY u.account_id
        ),
        ticket_load AS MATERIALIZED (
            SELECT t.account_id,
                   count(*) FILTER (WHERE t.created_at <= @now AND (t.resolved_at IS NULL OR t.resolved_at > @now)) AS open_tickets,
                   count(*) FILTER (WHERE t.created_at > @now - @support_window AND t.created_at <= @now
                       AND coalesce(CASE WHEN t.first_response_at <= @now THEN t.first_response_at END, @now) - t.created_at > @slow) AS slow_tickets
            FROM tickets t JOIN customers c ON c.account_id = t.account_id
            WHERE (t.first_response_at IS NULL OR t.first_response_at >= t.created_at)
              AND (t.resolved_at IS NULL OR t.resolved_at >= t.created_at)
            GROUP BY t.account_id
        ),
        latest_nps AS MATERIALIZED (
            SELECT DISTINCT ON (r.account_id) r.account_id, r.score
            FROM survey_responses r
            JOIN customers c ON c.account_id = r.account_id
            JOIN users u ON u.user_id = r.user_id AND NOT u.is_internal
            WHERE r.survey = 'nps' AND r.score BETWEEN 0 AND 10
              AND r.responded_at > @now - @sentiment_window AND r.responded_at <= @now
            ORDER BY r.account_id, r.responded_at DESC, r.score
        )
        """;

    /// <summary>The customers, by account id, with every input but usage (0 here).</summary>
    public const string CustomersSql = $"""
        WITH {CustomerCtes}
        SELECT c.account_id AS accountid, c.mrr::float8 AS mrr, coalesce(p.mrr, 0)::float8 AS mrrninetydaysago,
               coalesce(m.users, 0) AS users, coalesce(t.open_tickets, 0) AS opentickets, coalesce(t.slow_tickets, 0) AS slowtickets,
               n.score::integer AS latestnps, sc.account_id IS NOT NULL AS scheduledchurn
        FROM customers c
        LEFT JOIN paid_then p ON p.account_id = c.account_id
        LEFT JOIN members m ON m.account_id = c.account_id
        LEFT JOIN ticket_load t ON t.account_id = c.account_id
        LEFT JOIN latest_nps n ON n.account_id = c.account_id
        LEFT JOIN scheduled_churn sc ON sc.account_id = c.account_id
        ORDER BY c.account_id
        """;

    // The subscription CTEs hide their statistics, so PostgreSQL expects one customer where there are thousands and
    // picks nested loops over CTE scans: at --scale 10 this query then ran past its two-minute timeout; with hash
    // and merge joins it takes seconds. The setting is local to this poll's read-only transaction.
    public const string NoNestedLoops = "SELECT set_config('enable_nestloop', 'off', true)";

    public static readonly TimeSpan Ninety = TimeSpan.FromDays(90);
    public static readonly TimeSpan Thirty = TimeSpan.FromDays(30);

    /// <summary>Calendar days of the usage frequency: the 30 ending today in the reporting time zone.</summary>
    public const int UsageDays = 30;

    public static object Parameters(DateTimeOffset now, ExporterOptions settings) => new
    {
        now,
        then = now - Ninety,
        horizon = Ninety,
        after = now - TimeSpan.FromDays(31),
        usage_window = Thirty,
        support_window = Thirty,
        sentiment_window = Ninety,
        slow = settings.AccountHealth.SlowFirstResponse,
        tz = settings.ReportingTimeZone,
        excluded = settings.ExcludedEvents,
    };
}
