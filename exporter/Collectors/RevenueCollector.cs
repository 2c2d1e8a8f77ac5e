using System.Globalization;
using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Catalogue;

namespace SaasExporter.Collectors;

/// <summary>
/// MRR and customers at now and at the window start, the MRR movements between them, churned customers, the 365-day
/// net revenue retention cohort and trial outcomes, from the valid subscription rows. An account's MRR at t is the sum
/// of mrr over its paid (non-trial) rows with valid_from &lt;= t &lt; valid_to; a customer is an account with MRR &gt; 0.
/// Amounts are computed as numeric and checked against the movement identity before anything is published.
/// </summary>
internal sealed class RevenueCollector(IOptions<ExporterOptions> options) : DescribedCollector(Descriptor), IDescribedCollector
{
    // One aggregation per account gives its MRR and billing interval at now, at the window start and at the retention
    // horizon; every output is a grouping of that, never a join between intermediate results (their row estimates are
    // guesses, and a nested loop over them grows quadratically with the database). An account's billing interval at an
    // instant is that of its largest current paid row (ties: alphabetical). Label values that must always be present
    // enter as zero rows. Plans and billing intervals become labels through the configured allow-lists (AllowList), after
    // an account's interval is chosen, so the choice does not depend on the list. A trial's next state is found with a window over the account's row starts: the earliest start
    // at or after the trial's end, paid when a paid row starts at that same instant.
    private static readonly string Sql = $$"""
        WITH {{PaidSubscriptions.Ctes}},
        paid_rows AS (
            SELECT account_id, plan, billing_interval, mrr, valid_from,
                   valid_from <= @now AND (valid_to IS NULL OR valid_to > @now) AS at_now,
                   valid_from <= @now - @window AND (valid_to IS NULL OR valid_to > @now - @window) AS at_start,
                   valid_from <= @now - @horizon AND (valid_to IS NULL OR valid_to > @now - @horizon) AS at_horizon
            FROM valid_subscriptions
            WHERE NOT is_trial
        ),
        account_mrr AS (
            SELECT account_id,
                   coalesce(sum(mrr) FILTER (WHERE at_now), 0) AS m1,
                   coalesce(sum(mrr) FILTER (WHERE at_start), 0) AS m0,
                   coalesce(sum(mrr) FILTER (WHERE at_horizon), 0) AS mh,
                   (array_agg(billing_interval ORDER BY mrr DESC, billing_interval COLLATE "C") FILTER (WHERE at_now))[1] AS interval_now,
                   (array_agg(billing_interval ORDER BY mrr DESC, billing_interval COLLATE "C") FILTER (WHERE at_start))[1] AS interval_start,
                   bool_or(mrr > 0 AND valid_from < @now - @window) AS paid_before_start
            FROM paid_rows
            GROUP BY account_id
        ),
        movements AS (
            SELECT CASE WHEN m0 = 0 AND m1 > 0 THEN CASE WHEN paid_before_start THEN 'reactivation' ELSE 'new' END
                        WHEN m1 = 0 AND m0 > 0 THEN 'churn'
                        WHEN m1 > m0 AND m0 > 0 THEN 'expansion'
                        WHEN m1 < m0 AND m1 > 0 THEN 'contraction' END AS movement,
                   abs(m1 - m0) AS amount
            FROM account_mrr
        ),
        trial_timeline AS (
            SELECT account_id, valid_to AS at, 0 AS kind, false AS paid
            FROM valid_subscriptions
            WHERE is_trial AND valid_to > @now - @window AND valid_to <= @now
            UNION ALL
            SELECT account_id, valid_from, 1, NOT is_trial AND mrr > 0
            FROM valid_subscriptions
        ),
        trial_next_states AS (
            SELECT kind,
                   min(at) FILTER (WHERE kind = 1) OVER following AS next_start,
                   min(at) FILTER (WHERE kind = 1 AND paid) OVER following AS next_paid_start
            FROM trial_timeline
            WINDOW following AS (PARTITION BY account_id ORDER BY at, kind ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
        ),
        always_intervals AS (
            SELECT unnest(@intervals::text[]) AS billing_interval, 0::bigint AS n
        )
        SELECT 'mrr' AS family, a, b, sum(mrr) AS value FROM (
            SELECT {{AllowList.Sql("plan", "plans")}} AS a, {{AllowList.Sql("billing_interval", "intervals")}} AS b, mrr
            FROM paid_rows WHERE at_now
        ) m GROUP BY a, b
        UNION ALL
        SELECT 'mrr_start', '', '', coalesce(sum(m0), 0) FROM account_mrr
        UNION ALL
        SELECT 'customers', billing_interval, '', sum(n) FROM (
            SELECT {{AllowList.Sql("interval_now", "intervals")}} AS billing_interval, count(*) AS n FROM account_mrr WHERE m1 > 0 GROUP BY 1
            UNION ALL SELECT * FROM always_intervals
        ) c GROUP BY billing_interval
        UNION ALL
        SELECT 'customers_start', billing_interval, '', sum(n) FROM (
            SELECT {{AllowList.Sql("interval_start", "intervals")}} AS billing_interval, count(*) AS n FROM account_mrr WHERE m0 > 0 GROUP BY 1
            UNION ALL SELECT * FROM always_intervals
        ) c GROUP BY billing_interval
        UNION ALL
        SELECT 'churned', billing_interval, '', sum(n) FROM (
            SELECT {{AllowList.Sql("interval_start", "intervals")}} AS billing_interval, count(*) AS n FROM account_mrr WHERE m0 > 0 AND m1 = 0 GROUP BY 1
            UNION ALL SELECT * FROM always_intervals
        ) c GROUP BY billing_interval
        UNION ALL
        SELECT 'movement', movement, '', sum(amount) FROM (
            SELECT movement, amount FROM movements WHERE movement IS NOT NULL
            UNION ALL SELECT unnest(@movement_names::text[]), 0
        ) m GROUP BY movement
        UNION ALL
        SELECT 'movement_customers', movement, '', sum(n) FROM (
            SELECT movement, 1 AS n FROM movements WHERE movement IS NOT NULL
            UNION ALL SELECT unnest(@movement_names::text[]), 0
        ) m GROUP BY movement
        UNION ALL
        SELECT 'nrr', 'start', '', coalesce(sum(mh), 0) FROM account_mrr WHERE mh > 0
        UNION ALL
        SELECT 'nrr', 'current', '', coalesce(sum(m1), 0) FROM account_mrr WHERE mh > 0
        UNION ALL
        SELECT 'nrr', 'current_capped', '', coalesce(sum(least(m1, mh)), 0) FROM account_mrr WHERE mh > 0
        UNION ALL
        SELECT 'trials', outcome, '', sum(n) FROM (
            SELECT CASE WHEN next_start = next_paid_start AND next_start <= @now THEN 'converted' ELSE 'canceled' END AS outcome, 1 AS n
            FROM trial_next_states WHERE kind = 0
            UNION ALL SELECT unnest(ARRAY['converted', 'canceled']), 0
        ) t GROUP BY outcome
        UNION ALL
        SELECT 'rejected', reason, '', row_count::numeric FROM subscription_rejections
        """;

    private static readonly Window MovementWindow = Window.Days(30);
    private static readonly Window RetentionHorizon = Window.Days(365);
    private static readonly string[] MovementNames = ["new", "expansion", "reactivation", "contraction", "churn"];

    private static readonly MetricFamily Mrr = new("saas_mrr",
        "Monthly recurring revenue at now: mrr summed over the current paid (non-trial) subscription rows of non-internal accounts.",
        "plan", "billing_interval");
    private static readonly MetricFamily Customers = new("saas_customers",
        "Customers at now (non-internal accounts with MRR > 0), by the billing interval of their largest current paid row.",
        "billing_interval");
    private static readonly MetricFamily MrrWindowStart = new("saas_mrr_window_start",
        "Total monthly recurring revenue at the window start (now - window).", "window");
    private static readonly MetricFamily CustomersWindowStart = new("saas_customers_window_start",
        "Customers at the window start (now - window), by the billing interval of their largest paid row then.",
        "window", "billing_interval");
    private static readonly MetricFamily Movement = new("saas_mrr_movement",
        "MRR change over the window by movement, per account from its MRR at now - window to its MRR at now; amounts are positive.",
        "movement", "window");
    private static readonly MetricFamily MovementCustomers = new("saas_mrr_movement_customers",
        "Accounts whose MRR change over the window falls in the movement.", "movement", "window");
    private static readonly MetricFamily ChurnedCustomers = new("saas_churned_customers",
        "Customers at now - window that are not customers at now, by their billing interval at now - window.",
        "window", "billing_interval");
    private static readonly MetricFamily NrrCohortMrr = new("saas_nrr_cohort_mrr",
        "Over the accounts that were customers at now - horizon: their MRR then (start), their MRR now (current), and the sum of the lesser of the two (current_capped).",
        "kind", "horizon");
    private static readonly MetricFamily TrialsEnded = new("saas_trials_ended",
        "Trial rows whose valid_to falls in the window, converted when the account's next state, started by now, is paid.",
        "outcome", "window");

    public static CollectorDescriptor Descriptor { get; } = new("revenue", CollectorSchedule.Every(5, 120),
        Relations: ["subscriptions", "accounts"],
        Families: [Mrr, Customers, MrrWindowStart, CustomersWindowStart, Movement, MovementCustomers, ChurnedCustomers, NrrCohortMrr, TrialsEnded])
    {
        LabelValues = (family, label, o) => (family, label) switch
        {
            ("saas_mrr", "plan") => AllowList.Label(label, nameof(o.Plans), o.Plans!),
            (_, "billing_interval") => AllowList.Label(label, nameof(o.BillingIntervals), o.BillingIntervals!),
            ("saas_nrr_cohort_mrr", "kind") => CatalogueLabel.Code(label, "start", "current", "current_capped"),
            ("saas_nrr_cohort_mrr", "horizon") => CatalogueLabel.Code(label, "365d"),
            (_, "window") => CatalogueLabel.Code(label, "30d"),
            (_, "movement") => CatalogueLabel.Code(label, "new", "expansion", "reactivation", "contraction", "churn"),
            ("saas_trials_ended", "outcome") => CatalogueLabel.Code(label, "converted", "canceled"),
            _ => null,
        },
    };

    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<AmountRow>(Sql, new
        {
            now,
            window = MovementWindow.Length,
            horizon = RetentionHorizon.Length,
            movement_names = MovementNames,
            plans = options.Value.Plans,
            intervals = options.Value.BillingIntervals,
        }, cancellationToken);

        CheckMovementIdentity(rows);

        var samples = new List<Sample>();
        var rejected = new List<RejectedRows>();
        foreach (var row in rows)
        {
            var value = (double)row.Value;
            switch (row.Family)
            {
                case "mrr": samples.Add(Mrr.Sample(value, row.A, row.B)); break;
                case "customers": samples.Add(Customers.Sample(value, row.A)); break;
                case "customers_start": samples.Add(CustomersWindowStart.Sample(value, MovementWindow.Label, row.A)); break;
                case "mrr_start": samples.Add(MrrWindowStart.Sample(value, MovementWindow.Label)); break;
                case "movement": samples.Add(Movement.Sample(value, row.A, MovementWindow.Label)); break;
                case "movement_customers": samples.Add(MovementCustomers.Sample(value, row.A, MovementWindow.Label)); break;
                case "churned": samples.Add(ChurnedCustomers.Sample(value, MovementWindow.Label, row.A)); break;
                case "nrr": samples.Add(NrrCohortMrr.Sample(value, row.A, RetentionHorizon.Label)); break;
                case "trials": samples.Add(TrialsEnded.Sample(value, row.A, MovementWindow.Label)); break;
                case "rejected": rejected.Add(new RejectedRows("subscriptions", row.A, (long)row.Value)); break;
                default: throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"unexpected row family '{row.Family}'"));
            }
        }

        return new CollectorResult(samples, rejected);
    }

    /// <summary>sum(saas_mrr) - saas_mrr_window_start = new + expansion + reactivation - contraction - churn, exactly.</summary>
    private static void CheckMovementIdentity(IReadOnlyList<AmountRow> rows)
    {
        var total = rows.Where(r => r.Family == "mrr").Sum(r => r.Value);
        var start = rows.Single(r => r.Family == "mrr_start").Value;
        var moved = rows.Where(r => r.Family == "movement").ToDictionary(r => r.A, r => r.Value, StringComparer.Ordinal);
        var net = moved["new"] + moved["expansion"] + moved["reactivation"] - moved["contraction"] - moved["churn"];
        if (total - start != net)
        {
            throw new InconsistentDataException("mrr_movements", string.Create(CultureInfo.InvariantCulture,
                $"MRR movements do not reconcile: sum(saas_mrr) {total} - saas_mrr_window_start {start} = {total - start}, but new {moved["new"]} + expansion {moved["expansion"]} + reactivation {moved["reactivation"]} - contraction {moved["contraction"]} - churn {moved["churn"]} = {net}"));
        }
    }

    /// <summary>A row of the multi-output query with its numeric value kept exact (decimal) until samples are built.</summary>
    private sealed record AmountRow(string Family, string A, string B, decimal Value);
}
