using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;

namespace SaasExporter.Collectors;

/// <summary>
/// Feature adoption: distinct users per configured feature and window, and active users by how many distinct
/// configured features they used (breadth). Feature values not in the configured list never become labels.
/// </summary>
internal sealed class AdoptionCollector : IMetricCollector, ICollectorDefinition
{
    public const string CollectorName = "adoption";

    public static CollectorSchedule DefaultSchedule { get; } = CollectorSchedule.Every(5, 120);

    static string ICollectorDefinition.CollectorName => CollectorName;

    private const string Sql = $$"""
        WITH per_feature AS (
            -- Reduced per user and feature before the (internal) users are dropped: one row each to join, not one per event.
            SELECT d.user_id, d.feature, d.last_at
            FROM (
                SELECT e.user_id, CASE WHEN e.feature = ANY(@features) THEN e.feature END AS feature, max(e.occurred_at) AS last_at
                FROM events e
                WHERE {{QualifyingEvents.EventPredicate}}
                GROUP BY e.user_id, 2
            ) d
            JOIN ({{QualifyingEvents.Users}}) q ON q.user_id = d.user_id
        ),
        breadth AS (
            SELECT user_id, count(DISTINCT feature) AS features
            FROM per_feature
            WHERE last_at > @now - @breadth_window
            GROUP BY user_id
        )
        SELECT 'feature' AS family, f.name AS a, w.label AS b, count(DISTINCT p.user_id)::float8 AS value
        FROM unnest(@features::text[]) AS f(name)
        CROSS JOIN unnest(@window_labels::text[], @window_lengths::interval[]) AS w(label, length)
        LEFT JOIN per_feature p ON p.feature = f.name AND p.last_at > @now - w.length
        GROUP BY f.name, w.label
        UNION ALL
        SELECT 'breadth', bucket.label, '', count(b.user_id)::float8
        FROM (VALUES ('0', 0, 0), ('1', 1, 1), ('2', 2, 2), ('3', 3, 3), ('4', 4, 4), ('5+', 5, 2147483647)) AS bucket(label, low, high)
        LEFT JOIN breadth b ON b.features BETWEEN bucket.low AND bucket.high
        GROUP BY bucket.label
        """;

    internal static readonly MetricFamily FeatureActiveUsers = new("saas_feature_active_users",
        "Distinct users with a qualifying event of the feature in the rolling window.", "feature", "window");
    internal static readonly MetricFamily FeaturesUsedUsers = new("saas_features_used_users",
        "Active users in the window by number of distinct configured features they used (0, 1, ... 5+).", "features", "window");

    private readonly ExporterOptions _options;
    private readonly Window[] _windows;
    private readonly Window _breadthWindow;

    public AdoptionCollector(IOptions<ExporterOptions> options)
    {
        _options = options.Value;
        _windows = [.. _options.FeatureWindows!.Select(Window.Parse)];
        _breadthWindow = Window.Parse(_options.FeaturesUsedWindow);
    }

    public string Name => CollectorName;

    public IReadOnlyList<MetricFamily> Families { get; } = [FeatureActiveUsers, FeaturesUsedUsers];

    public IReadOnlyList<string> Relations { get; } = ["events", "users", "accounts"];

    public async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var longest = _windows.Select(w => w.Length).Append(_breadthWindow.Length).Max();
        var rows = await db.QueryAsync<LabelledValue>(Sql, new
        {
            now,
            after = now - longest,
            excluded = _options.ExcludedEvents,
            features = _options.Features,
            window_labels = _windows.Select(w => w.Label).ToArray(),
            window_lengths = _windows.Select(w => w.Length).ToArray(),
            breadth_window = _breadthWindow.Length,
        }, cancellationToken);

        return new CollectorResult([.. rows.Select(row => row.Family switch
        {
            "feature" => FeatureActiveUsers.Sample(row.Value, row.A, row.B),
            "breadth" => FeaturesUsedUsers.Sample(row.Value, row.A, _breadthWindow.Label),
            _ => throw new InvalidOperationException($"unexpected row family '{row.Family}'"),
        })]);
    }
}
