using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Catalogue;

namespace SaasExporter.Collectors;

/// <summary>
/// Support tickets: created in the window, open at now, and the time to first response and to resolution. A ticket is
/// open at now when it was created by now and not resolved by now; a response or resolution stamped after now has not
/// happened yet at now.
/// </summary>
internal sealed class SupportCollector() : DescribedCollector(Descriptor), IDescribedCollector
{
    // One pass over the table, every output an aggregate with its own filter. A row breaks the contract when its first
    // response (checked first) or its resolution precedes its creation; such rows are counted, one reason each, and used
    // nowhere else. Contract checks do not depend on the account, so rows of internal or unknown accounts are counted
    // too. percentile_cont over no rows is NULL, which becomes no sample.
    private const string Sql = """
        WITH ticket_rows AS (
            SELECT t.created_at, t.first_response_at, t.resolved_at, r.reason,
                   r.reason IS NULL AND a.is_internal IS FALSE AS kept,
                   t.created_at > @now - @window AND t.created_at <= @now AS created_in_window,
                   t.resolved_at > @now - @window AND t.resolved_at <= @now AS resolved_in_window
            FROM tickets t
            LEFT JOIN accounts a ON a.account_id = t.account_id
            CROSS JOIN LATERAL (
                SELECT CASE WHEN t.first_response_at < t.created_at THEN 'response_before_creation'
                            WHEN t.resolved_at < t.created_at THEN 'resolved_before_creation' END AS reason
            ) r
        )
        SELECT count(*) FILTER (WHERE kept AND created_in_window) AS created,
               count(*) FILTER (WHERE kept AND created_at <= @now AND (resolved_at IS NULL OR resolved_at > @now)) AS open,
               percentile_cont(@quantiles) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)::float8)
                   FILTER (WHERE kept AND created_in_window AND first_response_at <= @now) AS firstresponse,
               percentile_cont(@quantiles) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at)::float8)
                   FILTER (WHERE kept AND resolved_in_window) AS resolution,
               count(*) FILTER (WHERE reason = 'response_before_creation') AS responsebeforecreation,
               count(*) FILTER (WHERE reason = 'resolved_before_creation') AS resolvedbeforecreation
        FROM ticket_rows
        """;

    private static readonly Window TicketWindow = Window.Days(30);

    private static readonly MetricFamily TicketsCreated = new("saas_tickets_created",
        "Support tickets of non-internal accounts created in the rolling window.", "window");
    private static readonly MetricFamily TicketsOpen = new("saas_tickets_open",
        "Support tickets of non-internal accounts open at now: created by now and not resolved by now.");
    private static readonly MetricFamily FirstResponse = new("saas_ticket_first_response_seconds",
        "Quantile of first_response_at - created_at over the tickets created in the rolling window that had a first response by now.",
        "window", "quantile");
    private static readonly MetricFamily Resolution = new("saas_ticket_resolution_seconds",
        "Quantile of resolved_at - created_at over the tickets resolved in the rolling window.", "window", "quantile");

    public static CollectorDescriptor Descriptor { get; } = new("support", CollectorSchedule.Every(5, 60),
        Relations: ["tickets", "accounts"],
        Families: [TicketsCreated, TicketsOpen, FirstResponse, Resolution])
    {
        LabelValues = (_, label, _) => label switch
        {
            "window" => CatalogueLabel.Code(label, "30d"),
            "quantile" => CatalogueLabel.Code(label, Quantiles.MedianAndP90.Select(Quantiles.Label)),
            _ => null,
        },
    };

    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<Row>(Sql, new
        {
            now,
            window = TicketWindow.Length,
            quantiles = Quantiles.MedianAndP90,
        }, cancellationToken);

        var row = rows.Single();
        return new CollectorResult(
        [
            TicketsCreated.Sample(row.Created, TicketWindow.Label),
            TicketsOpen.Sample(row.Open),
            .. Quantiles.Samples(FirstResponse, Quantiles.MedianAndP90, row.FirstResponse, TicketWindow.Label),
            .. Quantiles.Samples(Resolution, Quantiles.MedianAndP90, row.Resolution, TicketWindow.Label),
        ],
        [
            new RejectedRows("tickets", "response_before_creation", row.ResponseBeforeCreation),
            new RejectedRows("tickets", "resolved_before_creation", row.ResolvedBeforeCreation),
        ]);
    }

    private sealed class Row
    {
        public long Created { get; init; }

        public long Open { get; init; }

        public double[]? FirstResponse { get; init; }

        public double[]? Resolution { get; init; }

        public long ResponseBeforeCreation { get; init; }

        public long ResolvedBeforeCreation { get; init; }
    }
}
