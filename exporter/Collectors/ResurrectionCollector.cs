using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;

namespace SaasExporter.Collectors;

/// <summary>
/// Dormancy and resurrection over a window W (30d): users active at some time up to now-2W and not in
/// (now-2W, now-W] were dormant at the window start; those active again in (now-W, now] are resurrected.
/// </summary>
internal sealed class ResurrectionCollector(IOptions<ExporterOptions> options) : IMetricCollector, ICollectorDefinition
{
    public const string CollectorName = "resurrection";

    public static CollectorSchedule DefaultSchedule { get; } = CollectorSchedule.Every(15, 300);

    static string ICollectorDefinition.CollectorName => CollectorName;

    internal static readonly Window DormancyWindow = Window.Parse("30d");

    // Recent activity comes from one scan of the last 2W; "ever active before now-2W" is an index probe per user
    // (events (user_id, occurred_at)) instead of a scan of the whole history.
    private const string Sql = $$"""
        WITH recent AS (
            -- Only ever joined to qualifying users below, so the events need not be joined to users first.
            SELECT e.user_id,
                   bool_or(e.occurred_at <= @now - @window) AS before_window,
                   bool_or(e.occurred_at > @now - @window) AS in_window
            FROM events e
            WHERE {{QualifyingEvents.EventPredicate}}
            GROUP BY e.user_id
        ),
        dormant AS (
            SELECT u.user_id, coalesce(r.in_window, false) AS resurrected
            FROM users u
            JOIN accounts a ON a.account_id = u.account_id
            LEFT JOIN recent r ON r.user_id = u.user_id
            WHERE NOT u.is_internal AND NOT a.is_internal
              AND NOT coalesce(r.before_window, false)
              AND EXISTS (SELECT 1 FROM events e
                          WHERE e.user_id = u.user_id AND e.occurred_at <= @after AND e.name <> ALL(@excluded))
        )
        SELECT count(*)::float8 AS dormant, count(*) FILTER (WHERE resurrected)::float8 AS resurrected FROM dormant
        """;

    internal static readonly MetricFamily DormantUsers = new("saas_dormant_users_window_start",
        "Users active at some time up to now-2W and not in (now-2W, now-W]: dormant when the window started.", "window");
    internal static readonly MetricFamily ResurrectedUsers = new("saas_resurrected_users",
        "Of the users dormant at the window start, those with a qualifying event in (now-W, now].", "window");

    private readonly ExporterOptions _options = options.Value;

    public string Name => CollectorName;

    public IReadOnlyList<MetricFamily> Families { get; } = [DormantUsers, ResurrectedUsers];

    public IReadOnlyList<string> Relations { get; } = ["events", "users", "accounts"];

    public async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<Row>(Sql, new
        {
            now,
            after = now - 2 * DormancyWindow.Length,
            window = DormancyWindow.Length,
            excluded = _options.ExcludedEvents,
        }, cancellationToken);

        var row = rows.Single();
        return new CollectorResult(
        [
            DormantUsers.Sample(row.Dormant, DormancyWindow.Label),
            ResurrectedUsers.Sample(row.Resurrected, DormancyWindow.Label),
        ]);
    }

    private sealed class Row
    {
        public double Dormant { get; init; }

        public double Resurrected { get; init; }
    }
}
