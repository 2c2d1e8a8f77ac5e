using System.Globalization;
using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;

namespace SaasExporter.Collectors;

/// <summary>
/// Active users and accounts per rolling window, the L30 power-user curve, power users and platform use, from one
/// scan of the qualifying events.
/// </summary>
internal sealed class EngagementCollector : IMetricCollector, ICollectorDefinition
{
    // One aggregation per (user, platform, calendar day) feeds every output, so events are read once; the internal
    // users are dropped after it, when there is one row per user and day left to join instead of one per event.
    private const string Sql = $$"""
        WITH l30 AS (
            SELECT (@now AT TIME ZONE @tz)::date - 29 AS first_day
        ),
        per_day AS (
            SELECT d.user_id, q.account_id, d.platform, d.day, d.last_at
            FROM (
                SELECT e.user_id, e.platform, (e.occurred_at AT TIME ZONE @tz)::date AS day, max(e.occurred_at) AS last_at
                FROM events e
                WHERE {{QualifyingEvents.EventPredicate}}
                GROUP BY e.user_id, e.platform, day
            ) d
            JOIN ({{QualifyingEvents.Users}}) q ON q.user_id = d.user_id
        ),
        per_user AS (
            SELECT user_id, account_id, max(last_at) AS last_at,
                   count(DISTINCT day) FILTER (WHERE day >= (SELECT first_day FROM l30)) AS l30_days
            FROM per_day
            GROUP BY user_id, account_id
        )
        SELECT 'active' AS family, 'user' AS a, w.label AS b, count(p.user_id)::float8 AS value
        FROM unnest(@window_labels::text[], @window_lengths::interval[]) AS w(label, length)
        LEFT JOIN per_user p ON p.last_at > @now - w.length
        GROUP BY w.label
        UNION ALL
        SELECT 'active', 'account', w.label, count(DISTINCT p.account_id)::float8
        FROM unnest(@window_labels::text[], @window_lengths::interval[]) AS w(label, length)
        LEFT JOIN per_user p ON p.last_at > @now - w.length
        GROUP BY w.label
        UNION ALL
        SELECT 'days', d::text, '', count(p.user_id)::float8
        FROM generate_series(1, 30) AS d
        LEFT JOIN per_user p ON p.l30_days = d
        GROUP BY d
        UNION ALL
        SELECT 'power', '', '', count(*) FILTER (WHERE l30_days >= @power_min_days)::float8
        FROM per_user
        UNION ALL
        SELECT 'platform', pl.name, '', count(DISTINCT pd.user_id)::float8
        FROM unnest(@platforms::text[]) AS pl(name)
        LEFT JOIN per_day pd ON pd.platform = pl.name AND pd.last_at > @now - @platform_window
        GROUP BY pl.name
        """;

    internal static readonly MetricFamily ActiveUsers = new("saas_active_users",
        "Distinct users or accounts with a qualifying event in the rolling window (now - window, now].", "entity", "window");
    internal static readonly MetricFamily ActiveDaysUsers = new("saas_active_days_users",
        "Users by exact number of distinct active calendar days among the 30 calendar days ending today (L30 curve).", "days");
    internal static readonly MetricFamily PowerUsers = new("saas_power_users",
        "Users active on at least PowerUserMinDays of the 30 calendar days ending today.");
    internal static readonly MetricFamily PlatformActiveUsers = new("saas_platform_active_users",
        "Distinct users with a qualifying event on the platform in the rolling window.", "platform", "window");

    private readonly ExporterOptions _options;
    private readonly Window[] _windows;
    private readonly Window _platformWindow;

    public EngagementCollector(IOptions<ExporterOptions> options)
    {
        _options = options.Value;
        _windows = [.. _options.ActiveWindows!.Select(Window.Parse)];
        _platformWindow = Window.Parse(_options.PlatformWindow);
    }

    public const string CollectorName = "engagement";

    public static CollectorSchedule DefaultSchedule { get; } = CollectorSchedule.Every(1, 30);

    static string ICollectorDefinition.CollectorName => CollectorName;

    public string Name => CollectorName;

    public IReadOnlyList<MetricFamily> Families { get; } = [ActiveUsers, ActiveDaysUsers, PowerUsers, PlatformActiveUsers];

    public IReadOnlyList<string> Relations { get; } = ["events", "users", "accounts"];

    public async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        // 31 days reach back past the first instant of the 30 calendar days ending today in any time zone.
        var longest = new[] { _windows.Max(w => w.Length), _platformWindow.Length, TimeSpan.FromDays(31) }.Max();
        var rows = await db.QueryAsync<LabelledValue>(Sql, new
        {
            now,
            after = now - longest,
            tz = _options.ReportingTimeZone,
            excluded = _options.ExcludedEvents,
            window_labels = _windows.Select(w => w.Label).ToArray(),
            window_lengths = _windows.Select(w => w.Length).ToArray(),
            power_min_days = _options.PowerUserMinDays,
            platforms = _options.Platforms,
            platform_window = _platformWindow.Length,
        }, cancellationToken);

        return new CollectorResult([.. rows.Select(row => row.Family switch
        {
            "active" => ActiveUsers.Sample(row.Value, row.A, row.B),
            "days" => ActiveDaysUsers.Sample(row.Value, row.A),
            "power" => PowerUsers.Sample(row.Value),
            "platform" => PlatformActiveUsers.Sample(row.Value, row.A, _platformWindow.Label),
            _ => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"unexpected row family '{row.Family}'")),
        })]);
    }
}
