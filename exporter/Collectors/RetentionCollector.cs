using System.Globalization;
using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;

namespace SaasExporter.Collectors;

/// <summary>
/// Calendar-day retention in the reporting time zone: D1, D7 and D30 (active on day d0+N exactly), D90 (active on any
/// of days d0+61..d0+90), each over the users who signed up in the 28 days ending N+1 days before today (91 for D90),
/// so every counted day is complete. And the weekly cohort table: the 12 ISO-week signup cohorts ending with the
/// current week, with a retained cell for each week that has ended.
/// </summary>
internal sealed class RetentionCollector(IOptions<ExporterOptions> options) : IMetricCollector, ICollectorDefinition
{
    public const string CollectorName = "retention";

    public static CollectorSchedule DefaultSchedule { get; } = CollectorSchedule.Every(15, 300);

    static string ICollectorDefinition.CollectorName => CollectorName;

    // Reaches back past the oldest day any output reads: the D90 cohort starts 118 days before today; the weekly
    // table's oldest cohort starts at most 83 days before today, and activity is read from 57 days back at most.
    internal static readonly TimeSpan SignupHistory = TimeSpan.FromDays(121);
    private static readonly TimeSpan ActivityHistory = TimeSpan.FromDays(86);

    private const string Sql = $$"""
        WITH signups AS MATERIALIZED (
            SELECT u.user_id, (u.created_at AT TIME ZONE @tz)::date AS d0
            FROM users u
            JOIN accounts a ON a.account_id = u.account_id
            WHERE NOT u.is_internal AND NOT a.is_internal
              AND u.created_at > @now - @signup_history AND u.created_at <= @now
        ),
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
            SELECT * FROM (VALUES ('d1', 2, 1, 1), ('d7', 8, 7, 7), ('d30', 31, 30, 30), ('d90', 91, 61, 90))
                AS r(label, cohort_end_lag, first_offset, last_offset)
        ),
        members AS (
            SELECT r.label, s.user_id, bool_or(ad.day IS NOT NULL) AS retained
            FROM definitions r
            CROSS JOIN today t
            JOIN signups s ON s.d0 BETWEEN t.d - r.cohort_end_lag - 27 AND t.d - r.cohort_end_lag
            LEFT JOIN active_days ad ON ad.user_id = s.user_id AND ad.day BETWEEN s.d0 + r.first_offset AND s.d0 + r.last_offset
            GROUP BY r.label, s.user_id
        ),
        cohorts AS (
            SELECT k, date_trunc('week', t.d)::date - 7 * k AS monday
            FROM today t CROSS JOIN generate_series(0, 11) AS k
        ),
        cohort_members AS (
            SELECT c.monday, s.user_id
            FROM cohorts c
            JOIN signups s ON s.d0 >= c.monday AND s.d0 < c.monday + 7
        ),
        cells AS (
            SELECT c.monday, w AS week
            FROM cohorts c CROSS JOIN today t CROSS JOIN generate_series(0, 11) AS w
            WHERE c.monday + 7 * w + 7 <= t.d
        )
        SELECT 'cohort' AS family, r.label AS a, '' AS b, count(m.user_id)::float8 AS value
        FROM definitions r LEFT JOIN members m ON m.label = r.label
        GROUP BY r.label
        UNION ALL
        SELECT 'retained', r.label, '', count(m.user_id) FILTER (WHERE m.retained)::float8
        FROM definitions r LEFT JOIN members m ON m.label = r.label
        GROUP BY r.label
        UNION ALL
        SELECT 'weekly_cohort', to_char(c.monday, 'IYYY-"W"IW'), '', count(m.user_id)::float8
        FROM cohorts c LEFT JOIN cohort_members m ON m.monday = c.monday
        GROUP BY c.monday
        UNION ALL
        SELECT 'weekly_retained', to_char(cell.monday, 'IYYY-"W"IW'), cell.week::text, count(DISTINCT ad.user_id)::float8
        FROM cells cell
        LEFT JOIN cohort_members m ON m.monday = cell.monday
        LEFT JOIN active_days ad ON ad.user_id = m.user_id
             AND ad.day >= cell.monday + 7 * cell.week AND ad.day < cell.monday + 7 * cell.week + 7
        GROUP BY cell.monday, cell.week
        """;

    internal static readonly MetricFamily RetentionCohortUsers = new("saas_retention_cohort_users",
        "Users whose signup day lies in the 28 calendar days ending N+1 days before today (91 for d90).", "retention");
    internal static readonly MetricFamily RetentionRetainedUsers = new("saas_retention_retained_users",
        "Of the retention cohort, users active on calendar day d0+N (any of d0+61..d0+90 for d90).", "retention");
    internal static readonly MetricFamily CohortUsers = new("saas_cohort_users",
        "Users who signed up in the ISO week (Monday start, reporting time zone); the 12 weeks ending with the current one.", "cohort");
    internal static readonly MetricFamily CohortRetainedUsers = new("saas_cohort_retained_users",
        "Users of the ISO-week signup cohort with a qualifying event in the week that many weeks later; only ended weeks.", "cohort", "week");

    private readonly ExporterOptions _options = options.Value;

    public string Name => CollectorName;

    public IReadOnlyList<MetricFamily> Families { get; } = [RetentionCohortUsers, RetentionRetainedUsers, CohortUsers, CohortRetainedUsers];

    public IReadOnlyList<string> Relations { get; } = ["events", "users", "accounts"];

    public async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<LabelledValue>(Sql, new
        {
            now,
            after = now - ActivityHistory,
            tz = _options.ReportingTimeZone,
            excluded = _options.ExcludedEvents,
            signup_history = SignupHistory,
        }, cancellationToken);

        return new CollectorResult([.. rows.Select(row => row.Family switch
        {
            "cohort" => RetentionCohortUsers.Sample(row.Value, row.A),
            "retained" => RetentionRetainedUsers.Sample(row.Value, row.A),
            "weekly_cohort" => CohortUsers.Sample(row.Value, row.A),
            "weekly_retained" => CohortRetainedUsers.Sample(row.Value, row.A, row.B),
            _ => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"unexpected row family '{row.Family}'")),
        })]);
    }
}
