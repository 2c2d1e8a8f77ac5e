using System.Globalization;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Catalogue;

namespace SaasExporter.Collectors;

/// <summary>
/// The inputs of CAC: new customers (accounts whose first paid MRR started in the window) and marketing spend
/// pro-rated by calendar-day overlap with the window. Separate from revenue so that a database without
/// marketing_spend still gets every revenue metric.
/// </summary>
internal sealed class AcquisitionCollector() : DescribedCollector(Descriptor), IDescribedCollector
{
    // A marketing_spend row covers the calendar dates [period_start, period_end], both included; the window covers the
    // @spend_days dates ending with the UTC date of now. Subscription rows are filtered exactly as the revenue
    // collector does, which alone reports their rejections (so they are not counted twice).
    private const string Sql = $$"""
        WITH {{PaidSubscriptions.Ctes}},
        first_paid AS (
            SELECT account_id, min(valid_from) AS first_from
            FROM valid_subscriptions
            WHERE NOT is_trial AND mrr > 0
            GROUP BY account_id
        ),
        spend_rows AS (
            SELECT m.period_start, m.period_end, m.amount::numeric AS amount, m.period_end < m.period_start AS invalid
            FROM marketing_spend m
        ),
        spend_window AS (
            SELECT d - (@spend_days - 1) AS first_day, d AS last_day
            FROM (SELECT (@now AT TIME ZONE 'UTC')::date) AS today(d)
        )
        SELECT 'new_customers' AS family, '' AS a, '' AS b, count(*)::numeric AS value
        FROM first_paid
        WHERE first_from > @now - @window AND first_from <= @now
        UNION ALL
        SELECT 'spend', '', '',
               coalesce(sum(r.amount * greatest(0, least(r.period_end, w.last_day) - greatest(r.period_start, w.first_day) + 1)
                            / (r.period_end - r.period_start + 1)), 0)
        FROM spend_rows r CROSS JOIN spend_window w
        WHERE NOT r.invalid
        UNION ALL
        SELECT 'rejected', 'invalid_period', '', count(*) FILTER (WHERE invalid)::numeric
        FROM spend_rows
        """;

    private static readonly Window AcquisitionWindow = Window.Days(90);

    private static readonly MetricFamily NewCustomers = new("saas_new_customers",
        "Non-internal accounts whose first paid (non-trial, mrr > 0) subscription row started in the rolling window.", "window");
    private static readonly MetricFamily MarketingSpend = new("saas_marketing_spend",
        "Marketing spend over the calendar dates of the window (ending with today in UTC), each row pro-rated by the share of its dates inside the window.",
        "window");

    public static CollectorDescriptor Descriptor { get; } = new("acquisition", CollectorSchedule.Every(15, 120),
        Relations: ["subscriptions", "accounts", "marketing_spend"],
        Families: [NewCustomers, MarketingSpend])
    {
        LabelValues = (_, label, _) => label == "window" ? CatalogueLabel.Code(label, "90d") : null,
    };

    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<AmountRow>(Sql, new
        {
            now,
            window = AcquisitionWindow.Length,
            spend_days = (int)AcquisitionWindow.Length.TotalDays,
        }, cancellationToken);

        var samples = new List<Sample>();
        var rejected = new List<RejectedRows>();
        foreach (var row in rows)
        {
            switch (row.Family)
            {
                case "new_customers": samples.Add(NewCustomers.Sample((double)row.Value, AcquisitionWindow.Label)); break;
                case "spend": samples.Add(MarketingSpend.Sample((double)row.Value, AcquisitionWindow.Label)); break;
                case "rejected": rejected.Add(new RejectedRows("marketing_spend", row.A, (long)row.Value)); break;
                default: throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"unexpected row family '{row.Family}'"));
            }
        }

        return new CollectorResult(samples, rejected);
    }

    /// <summary>A row of the multi-output query with its numeric value kept exact (decimal) until samples are built.</summary>
    private sealed record AmountRow(string Family, string A, string B, decimal Value);
}
