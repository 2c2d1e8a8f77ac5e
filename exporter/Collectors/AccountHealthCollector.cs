using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Catalogue;

namespace SaasExporter.Collectors;

/// <summary>
/// Customers (accounts with paid MRR &gt; 0 at now) by health band, and their MRR: the MRR at risk. The SQL gathers each
/// customer's inputs; <see cref="AccountHealthModel"/> scores them, so the model is plain code with its own tests. Per
/// account scores stay inside the exporter: an account id never becomes a label.
/// </summary>
internal sealed class AccountHealthCollector(IOptions<ExporterOptions> options) : DescribedCollector(Descriptor), IDescribedCollector
{
    // Rows that break the contract (a response or resolution before creation, an out-of-range NPS score, a bad
    // subscription row) are left out here and counted by the support, surveys and revenue collectors, not twice.
    private const string Sql = $"""
        WITH {PaidSubscriptions.Ctes},
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

    private static readonly TimeSpan Ninety = TimeSpan.FromDays(90);
    private static readonly TimeSpan Thirty = TimeSpan.FromDays(30);
    private static readonly string[] Bands = [AccountHealthModel.Green, AccountHealthModel.Yellow, AccountHealthModel.Red];

    private static readonly MetricFamily Accounts = new("saas_account_health_accounts",
        "Customers (paid MRR > 0 at now) by health band of the weighted account health model.", "band");
    private static readonly MetricFamily Mrr = new("saas_account_health_mrr",
        "Paid MRR at now of the customers in each health band (MRR at risk: yellow and red).", "band");

    public static CollectorDescriptor Descriptor { get; } = new("account_health", CollectorSchedule.Every(15, 120),
        Relations: ["accounts", "users", "events", "subscriptions", "tickets", "survey_responses"],
        Families: [Accounts, Mrr])
    {
        LabelValues = (family, label, _) => label == "band" ? CatalogueLabel.Code(label, "green", "yellow", "red") : null,
    };

    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // The subscription CTEs hide their statistics, so PostgreSQL expects one customer where there are thousands and
        // picks nested loops over CTE scans: at --scale 10 this query then ran past its two-minute timeout; with hash
        // and merge joins it takes seconds. The setting is local to this poll's read-only transaction.
        await db.QueryAsync<string>("SELECT set_config('enable_nestloop', 'off', true)", null, cancellationToken);
        var rows = await db.QueryAsync<AccountHealthInputs>(Sql, new
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
        }, cancellationToken);

        var banded = rows.Select(r => (Band: AccountHealthModel.Band(AccountHealthModel.Score(r, settings.AccountHealth), settings.AccountHealth), r.Mrr)).ToList();
        return new CollectorResult(
        [
            .. Bands.Select(b => Accounts.Sample(banded.Count(x => x.Band == b), b)),
            .. Bands.Select(b => Mrr.Sample(banded.Where(x => x.Band == b).Sum(x => x.Mrr), b)),
        ]);
    }
}
