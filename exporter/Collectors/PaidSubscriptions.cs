namespace SaasExporter.Collectors;

/// <summary>
/// The subscription rows every revenue definition reads (docs/contract.md, subscriptions), as common table expressions shared by
/// the revenue and acquisition collectors so the rule lives once:
/// <list type="bullet">
/// <item><c>subscription_rejections(reason, row_count)</c>: rows that break the contract, one reason per row, checked in
/// this order: <c>negative_mrr</c> (mrr &lt; 0), <c>invalid_period</c> (valid_to &lt;= valid_from),
/// <c>overlapping_state</c> (the row starts before an earlier valid row of the same subscription_id has ended).</item>
/// <item><c>valid_subscriptions</c>: the remaining rows of accounts that exist and are not internal.</item>
/// </list>
/// </summary>
internal static class PaidSubscriptions
{
    // A subscription's rows are ordered by valid_from, then valid_to (open last); the remaining keys only make the
    // order total, so that of two rows with the same period the same one is kept at every poll. A row overlaps when it
    // starts before the latest end among the rows before it: with rows sorted by start, that is exactly "overlaps an
    // earlier row". Contract checks do not depend on the account, so rows of internal accounts are counted too.
    public const string Ctes = """
        subscription_rows AS (
            SELECT s.subscription_id, s.account_id, s.plan::text AS plan, s.billing_interval::text AS billing_interval,
                   s.mrr::numeric AS mrr, s.is_trial, s.valid_from, s.valid_to,
                   a.is_internal IS FALSE AS eligible,
                   CASE WHEN s.mrr < 0 THEN 'negative_mrr'
                        WHEN s.valid_to <= s.valid_from THEN 'invalid_period' END AS reason
            FROM subscriptions s
            LEFT JOIN accounts a ON a.account_id = s.account_id
        ),
        sequenced_rows AS (
            SELECT r.*,
                   max(coalesce(r.valid_to, 'infinity'::timestamptz)) OVER (
                       PARTITION BY r.subscription_id
                       ORDER BY r.valid_from, r.valid_to NULLS LAST, r.is_trial, r.mrr, r.plan COLLATE "C",
                                r.billing_interval COLLATE "C", r.account_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
            FROM subscription_rows r
            WHERE r.reason IS NULL
        ),
        subscription_rejections AS (
            SELECT 'negative_mrr' AS reason, count(*) FILTER (WHERE r.reason = 'negative_mrr') AS row_count FROM subscription_rows r
            UNION ALL
            SELECT 'invalid_period', count(*) FILTER (WHERE r.reason = 'invalid_period') FROM subscription_rows r
            UNION ALL
            SELECT 'overlapping_state', count(*) FILTER (WHERE q.valid_from < q.earlier_end) FROM sequenced_rows q
        ),
        valid_subscriptions AS (
            SELECT q.subscription_id, q.account_id, q.plan, q.billing_interval, q.mrr, q.is_trial, q.valid_from, q.valid_to
            FROM sequenced_rows q
            WHERE q.eligible AND (q.earlier_end IS NULL OR q.valid_from >= q.earlier_end)
        )
        """;
}
