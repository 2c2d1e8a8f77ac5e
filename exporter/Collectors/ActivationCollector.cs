using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Catalogue;

namespace SaasExporter.Collectors;

/// <summary>
/// Signups per window, and the activation cohort: users created in (now - 35d, now - 7d], of whom those activated and
/// onboarded within 7 days of signup, and the time to first value of those activated by now at any delay.
/// </summary>
internal sealed class ActivationCollector : DescribedCollector, IDescribedCollector
{
    private const string Sql = """
        WITH eligible AS (
            SELECT u.created_at, u.activated_at, u.onboarding_completed_at
            FROM users u
            JOIN accounts a ON a.account_id = u.account_id
            WHERE NOT u.is_internal AND NOT a.is_internal
              AND u.created_at > @after AND u.created_at <= @now
        ),
        cohort AS (
            SELECT * FROM eligible
            WHERE created_at > @now - @cohort_start AND created_at <= @now - @cohort_end
        )
        SELECT 'signups' AS family, w.label AS a, '' AS b, count(e.created_at)::float8 AS value
        FROM unnest(@window_labels::text[], @window_lengths::interval[]) AS w(label, length)
        LEFT JOIN eligible e ON e.created_at > @now - w.length
        GROUP BY w.label
        UNION ALL
        SELECT 'cohort', '', '', count(*)::float8 FROM cohort
        UNION ALL
        SELECT 'activated', '', '', count(*) FILTER (WHERE activated_at - created_at <= @within)::float8 FROM cohort
        UNION ALL
        SELECT 'onboarded', '', '', count(*) FILTER (WHERE onboarding_completed_at - created_at <= @within)::float8 FROM cohort
        UNION ALL
        SELECT 'ttfv', q.fraction::text, '', percentile_cont(q.fraction) WITHIN GROUP (ORDER BY extract(epoch FROM c.activated_at - c.created_at)::float8)
        FROM unnest(@quantiles) AS q(fraction)
        CROSS JOIN cohort c
        WHERE c.activated_at IS NOT NULL AND c.activated_at <= @now
        GROUP BY q.fraction
        """;

    private static readonly TimeSpan CohortStart = TimeSpan.FromDays(35);
    private static readonly TimeSpan Within = TimeSpan.FromDays(7);

    private static readonly MetricFamily Signups = new("saas_signups",
        "Users created (signed up) in the rolling window.", "window");
    private static readonly MetricFamily CohortUsers = new("saas_activation_cohort_users",
        "Users created in (now - 35d, now - 7d]: the activation cohort.");
    private static readonly MetricFamily ActivatedUsers = new("saas_activation_activated_users",
        "Users of the activation cohort with activated_at - created_at <= 7d.");
    private static readonly MetricFamily OnboardedUsers = new("saas_onboarding_completed_users",
        "Users of the activation cohort with onboarding_completed_at - created_at <= 7d.");
    private static readonly MetricFamily TimeToFirstValue = new("saas_time_to_first_value_seconds",
        "Quantile of activated_at - created_at over the activation cohort's users activated by now, at any delay.", "quantile");

    private readonly Window[] _windows;

    public ActivationCollector(IOptions<ExporterOptions> options)
        : base(Descriptor)
    {
        _windows = options.Value.SignupWindows;
    }

    public static CollectorDescriptor Descriptor { get; } = new("activation", CollectorSchedule.Every(5, 60),
        Relations: ["users", "accounts"],
        Families: [Signups, CohortUsers, ActivatedUsers, OnboardedUsers, TimeToFirstValue])
    {
        LabelValues = (family, label, o) => (family, label) switch
        {
            ("saas_signups", "window") => CatalogueLabel.Windows(label, "SignupWindows", o.SignupWindows),
            ("saas_time_to_first_value_seconds", "quantile") => CatalogueLabel.Code(label, Quantiles.MedianP75P90.Select(Quantiles.Label)),
            _ => null,
        },
    };

    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var longest = _windows.Select(w => w.Length).Append(CohortStart).Max();
        var rows = await db.QueryAsync<LabelledValue>(Sql, new
        {
            now,
            after = now - longest,
            cohort_start = CohortStart,
            cohort_end = Within,
            within = Within,
            window_labels = _windows.Select(w => w.Label).ToArray(),
            window_lengths = _windows.Select(w => w.Length).ToArray(),
            quantiles = Quantiles.MedianP75P90,
        }, cancellationToken);

        return new CollectorResult([.. rows.Select(row => row.Family switch
        {
            "signups" => Signups.Sample(row.Value, row.A),
            "cohort" => CohortUsers.Sample(row.Value),
            "activated" => ActivatedUsers.Sample(row.Value),
            "onboarded" => OnboardedUsers.Sample(row.Value),
            "ttfv" => TimeToFirstValue.Sample(row.Value, Quantiles.Label(double.Parse(row.A, System.Globalization.CultureInfo.InvariantCulture))),
            _ => throw new InvalidOperationException($"unexpected row family '{row.Family}'"),
        })]);
    }
}
