using System.Globalization;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Events.Adoption;
using SaasExporter.Events.Engagement;
using SaasExporter.Events.Resurrection;
using SaasExporter.Events.Retention;

namespace SaasExporter.Catalogue;

/// <summary>
/// The label values of every built-in family, from the configuration or the code that bounds them (README "Metrics
/// served now"); labels filled from the data are open. A label missing here is reported as unlisted (open), and a
/// test requires that none is.
/// </summary>
internal static class BuiltInLabelValues
{
    private const string Code = "code";

    private static readonly string[] Quantile2 = [.. Quantiles.MedianAndP90.Select(Quantiles.Label)];
    private static readonly string[] Quantile3 = [.. Quantiles.MedianP75P90.Select(Quantiles.Label)];
    private static readonly string[] Movements = ["new", "expansion", "reactivation", "contraction", "churn"];

    /// <summary>The label of <paramref name="family"/>, or null when this table does not know it.</summary>
    public static CatalogueLabel? For(string family, string label, ExporterOptions o) => (family, label) switch
    {
        ("saas_active_users", "entity") => CatalogueLabel.Fixed(label, Code, EngagementDefinition.UserEntity, EngagementDefinition.AccountEntity),
        ("saas_active_users", "window") => Windows(label, "ActiveWindows", o.ActiveWindows),
        ("saas_active_days_users", "days") => CatalogueLabel.Fixed(label, Code, Enumerable.Range(1, EngagementDefinition.L30Days).Select(Text)),
        ("saas_platform_active_users", "platform") => CatalogueLabel.Fixed(label, "configuration: Platforms", o.Platforms!),
        ("saas_platform_active_users", "window") => Windows(label, "PlatformWindow", [o.PlatformWindow]),
        ("saas_sessions_per_user" or "saas_session_duration_seconds", "window") => Windows(label, "SessionWindow", [o.SessionWindow]),
        ("saas_sessions_per_user" or "saas_session_duration_seconds", "quantile") => CatalogueLabel.Fixed(label, Code, Quantile2),
        ("saas_signups", "window") => Windows(label, "SignupWindows", o.SignupWindows),
        ("saas_time_to_first_value_seconds", "quantile") => CatalogueLabel.Fixed(label, Code, Quantile3),
        ("saas_feature_active_users", "feature") => CatalogueLabel.Fixed(label, "configuration: Features", o.Features!),
        ("saas_feature_active_users", "window") => Windows(label, "FeatureWindows", o.FeatureWindows),
        ("saas_features_used_users", "features") => CatalogueLabel.Fixed(label, Code, AdoptionDefinition.BreadthBuckets.Select(b => b.Label)),
        ("saas_features_used_users", "window") => Windows(label, "FeaturesUsedWindow", [o.FeaturesUsedWindow]),
        ("saas_retention_cohort_users" or "saas_retention_retained_users", "retention") => CatalogueLabel.Fixed(label, Code, RetentionDefinition.Definitions.Select(d => d.Label)),
        ("saas_cohort_users" or "saas_cohort_retained_users", "cohort") => CatalogueLabel.FromData(label),
        // Twelve cohorts ending with the current week, a cell once its week has ended: the oldest cohort reaches week 10.
        ("saas_cohort_retained_users", "week") => CatalogueLabel.Fixed(label, Code, Enumerable.Range(0, RetentionDefinition.Weeks - 1).Select(Text)),
        ("saas_dormant_users_window_start" or "saas_resurrected_users", "window") => CatalogueLabel.Fixed(label, Code, ResurrectionDefinition.DormancyWindow.Label),
        ("saas_mrr", "plan") => CatalogueLabel.FromData(label),
        ("saas_mrr" or "saas_customers" or "saas_customers_window_start" or "saas_churned_customers", "billing_interval") => CatalogueLabel.FromData(label),
        ("saas_mrr_window_start" or "saas_customers_window_start" or "saas_churned_customers" or "saas_trials_ended"
            or "saas_mrr_movement" or "saas_mrr_movement_customers" or "saas_tickets_created"
            or "saas_ticket_first_response_seconds" or "saas_ticket_resolution_seconds", "window") => CatalogueLabel.Fixed(label, Code, "30d"),
        ("saas_mrr_movement" or "saas_mrr_movement_customers", "movement") => CatalogueLabel.Fixed(label, Code, Movements),
        ("saas_nrr_cohort_mrr", "kind") => CatalogueLabel.Fixed(label, Code, "start", "current", "current_capped"),
        ("saas_nrr_cohort_mrr", "horizon") => CatalogueLabel.Fixed(label, Code, "365d"),
        ("saas_trials_ended", "outcome") => CatalogueLabel.Fixed(label, Code, "converted", "canceled"),
        ("saas_new_customers" or "saas_marketing_spend" or "saas_survey_responses", "window") => CatalogueLabel.Fixed(label, Code, "90d"),
        ("saas_ticket_first_response_seconds" or "saas_ticket_resolution_seconds", "quantile") => CatalogueLabel.Fixed(label, Code, Quantile2),
        ("saas_survey_responses", "survey") => CatalogueLabel.Fixed(label, Code, "nps", "csat", "ces"),
        ("saas_survey_responses", "bucket") => CatalogueLabel.Fixed(label, Code, "promoter", "passive", "detractor", "satisfied", "neutral", "unsatisfied", "easy", "difficult"),
        ("saas_account_health_accounts" or "saas_account_health_mrr", "band") => CatalogueLabel.Fixed(label, Code, "green", "yellow", "red"),
        _ => null,
    };

    private static CatalogueLabel Windows(string label, string key, IEnumerable<Window> windows) =>
        CatalogueLabel.Fixed(label, $"configuration: {key}", windows.Select(w => w.Label));

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
