using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Catalogue;

namespace SaasExporter.Collectors;

/// <summary>
/// Sessions: runs of one user's qualifying events in the window with gaps under SessionGap (30 minutes by default).
/// Only events inside the window are considered, so a session that began before it is counted from its first event
/// inside the window.
/// </summary>
internal sealed class SessionCollector : DescribedCollector, IDescribedCollector
{
    // Identical timestamps of one user cannot change a session, so they are collapsed first; this also keeps the
    // lag() and running sum() orderings strict and therefore consistent.
    private const string Sql = $$"""
        WITH qualifying AS ({{QualifyingEvents.Sql}}),
        instants AS (
            SELECT DISTINCT user_id, occurred_at FROM qualifying
        ),
        marked AS (
            SELECT user_id, occurred_at,
                   CASE WHEN occurred_at - lag(occurred_at) OVER (PARTITION BY user_id ORDER BY occurred_at) < @gap
                        THEN 0 ELSE 1 END AS starts_session
            FROM instants
        ),
        numbered AS (
            SELECT user_id, occurred_at,
                   sum(starts_session) OVER (PARTITION BY user_id ORDER BY occurred_at ROWS UNBOUNDED PRECEDING) AS session_no
            FROM marked
        ),
        sessions AS (
            SELECT user_id, extract(epoch FROM max(occurred_at) - min(occurred_at))::float8 AS duration
            FROM numbered
            GROUP BY user_id, session_no
        ),
        per_user AS (
            SELECT count(*)::float8 AS sessions FROM sessions GROUP BY user_id
        )
        SELECT (SELECT percentile_cont(@quantiles) WITHIN GROUP (ORDER BY sessions) FROM per_user) AS sessionsperuser,
               (SELECT percentile_cont(@quantiles) WITHIN GROUP (ORDER BY duration) FROM sessions) AS durations
        """;

    private static readonly MetricFamily SessionsPerUser = new("saas_sessions_per_user",
        "Quantile over active users of their number of sessions in the window (a gap of SessionGap, 30 minutes by default, starts a new session).", "window", "quantile");
    private static readonly MetricFamily SessionDuration = new("saas_session_duration_seconds",
        "Quantile of session duration (last minus first event) over sessions in the window.", "window", "quantile");

    private readonly ExporterOptions _options;
    private readonly Window _window;

    public SessionCollector(IOptions<ExporterOptions> options)
        : base(Descriptor)
    {
        _options = options.Value;
        _window = _options.SessionWindow;
    }

    public static CollectorDescriptor Descriptor { get; } = new("sessions", CollectorSchedule.Every(5, 120),
        Relations: ["events", "users", "accounts"],
        Families: [SessionsPerUser, SessionDuration])
    {
        LabelValues = (_, label, o) => label switch
        {
            "window" => CatalogueLabel.Windows(label, "SessionWindow", o.SessionWindow),
            "quantile" => CatalogueLabel.Code(label, Quantiles.MedianAndP90.Select(Quantiles.Label)),
            _ => null,
        },
    };

    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<Row>(Sql, new
        {
            now,
            after = now - _window.Length,
            excluded = _options.ExcludedEvents,
            gap = _options.SessionGap,
            quantiles = Quantiles.MedianAndP90,
        }, cancellationToken);

        var row = rows.Single();
        return new CollectorResult(
        [
            .. Quantiles.Samples(SessionsPerUser, Quantiles.MedianAndP90, row.SessionsPerUser, _window.Label),
            .. Quantiles.Samples(SessionDuration, Quantiles.MedianAndP90, row.Durations, _window.Label),
        ]);
    }

    private sealed class Row
    {
        public double[]? SessionsPerUser { get; init; }

        public double[]? Durations { get; init; }
    }
}
