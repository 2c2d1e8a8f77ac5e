namespace SaasExporter.Demo;

/// <summary>The demo CRM's vocabulary: plans, features, event names, platforms.</summary>
internal static class DemoCatalog
{
    public sealed record Plan(string Name, decimal MonthlyPrice);

    public static readonly Plan[] Plans = [new("starter", 29m), new("pro", 79m), new("business", 199m)];
    public static readonly double[] PlanWeights = [0.5, 0.35, 0.15];

    public static readonly string[] Features = ["contacts", "deals", "email", "reports"];
    public static readonly double[] FeatureWeights = [0.4, 0.3, 0.2, 0.1];

    public static readonly string[][] Actions =
    [
        ["contact_created", "contact_viewed", "contact_updated"],
        ["deal_created", "deal_viewed", "deal_updated"],
        ["email_sent", "email_template_edited"],
        ["report_viewed", "report_exported"],
    ];

    public static readonly double[][] ActionWeights = [[0.3, 0.5, 0.2], [0.2, 0.5, 0.3], [0.8, 0.2], [0.8, 0.2]];

    public static readonly string[] Platforms = ["web", "mobile", "api"];

    /// <summary>A system event: not user activity, meant for ExcludedEvents.</summary>
    public const string NotificationSent = "notification_sent";

    public const string Login = "login";

    public static readonly string[] Priorities = ["low", "normal", "high", "urgent"];
    public static readonly double[] PriorityWeights = [0.3, 0.5, 0.15, 0.05];
}
