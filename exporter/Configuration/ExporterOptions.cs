using System.ComponentModel.DataAnnotations;

namespace SaasExporter.Configuration;

/// <summary>
/// Every setting of the exporter. Bound from the configuration root; keys not declared here are errors.
/// Lists are filled with their defaults after binding (<see cref="ApplyDefaults"/>): the binder appends to pre-filled lists.
/// </summary>
public sealed class ExporterOptions
{
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>host:port the HTTP server listens on.</summary>
    [Required]
    public string Listen { get; set; } = "127.0.0.1:9841";

    /// <summary>Pins the evaluation instant of every poll (reproducible runs). Unset: the wall clock.</summary>
    public DateTimeOffset? AsOf { get; set; }

    /// <summary>IANA time zone that defines calendar days.</summary>
    [Required]
    public string ReportingTimeZone { get; set; } = "UTC";

    /// <summary>Event names that never make a user active (system, e-mail sent, cron...).</summary>
    public string[]? ExcludedEvents { get; set; }

    [Range(1, 30)]
    public int PowerUserMinDays { get; set; } = 20;

    /// <summary>Rolling windows of saas_active_users; unset or empty: 1d, 7d, 30d.</summary>
    public Window[] ActiveWindows { get; set; } = [];

    /// <summary>Rolling windows of saas_signups; unset or empty: 1d, 7d, 30d.</summary>
    public Window[] SignupWindows { get; set; } = [];

    /// <summary>Platforms that may become label values; anything else is ignored.</summary>
    public string[]? Platforms { get; set; }

    public Window PlatformWindow { get; set; } = Window.Days(30);

    /// <summary>Feature keys that may become label values (events.feature); anything else is ignored.</summary>
    public string[]? Features { get; set; }

    /// <summary>
    /// Plans (subscriptions.plan) that become values of saas_mrr's plan label; any other plan counts as <c>other</c>
    /// and a NULL one as <c>unknown</c>, so 10,000 plans in the data are still a handful of series.
    /// </summary>
    public string[]? Plans { get; set; }

    /// <summary>Billing intervals that become label values; others count as <c>other</c>, a NULL one as <c>unknown</c>.</summary>
    public string[]? BillingIntervals { get; set; }

    /// <summary>Rolling windows of saas_feature_active_users; unset or empty: 7d, 30d.</summary>
    public Window[] FeatureWindows { get; set; } = [];

    /// <summary>Window of saas_features_used_users.</summary>
    public Window FeaturesUsedWindow { get; set; } = Window.Days(30);

    public Window SessionWindow { get; set; } = Window.Days(7);

    /// <summary>A gap of at least this long between two events starts a new session.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SessionGap { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// YAML file of user-defined SQL collectors (relative paths from the working directory). Unset: none. Its
    /// collectors' schedules can be overridden under Collectors like any built-in collector's.
    /// </summary>
    public string? CustomCollectorsFile { get; set; }

    /// <summary>Whether engagement, adoption, retention and resurrection come from SQL or the incremental index.</summary>
    public EventMetricsOptions EventMetrics { get; set; } = new();

    /// <summary>
    /// YAML file in the shape of Prometheus' exporter-toolkit web config: TLS certificate and key, basic-auth users with
    /// bcrypt hashes. Unset: plain HTTP without authentication (keep the default loopback listen address then).
    /// </summary>
    public string? WebConfigFile { get; set; }

    /// <summary>The account health model: weights, band thresholds and what counts as slow or at risk.</summary>
    public AccountHealthOptions AccountHealth { get; set; } = new();

    /// <summary>Per-collector schedule, keyed by collector name.</summary>
    public Dictionary<string, CollectorOptions> Collectors { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    internal static readonly Window[] DefaultWindows = [Window.Days(1), Window.Days(7), Window.Days(30)];
    internal static readonly string[] DefaultPlatforms = ["web", "mobile", "api"];
    internal static readonly string[] DefaultFeatures = ["contacts", "deals", "email", "reports"];
    internal static readonly string[] DefaultPlans = ["starter", "pro", "business"];
    internal static readonly string[] DefaultBillingIntervals = ["month", "year"];
    internal static readonly Window[] DefaultFeatureWindows = [Window.Days(7), Window.Days(30)];

    internal void ApplyDefaults()
    {
        ExcludedEvents ??= [];
        // The binder appends to a list that already holds items, so the window lists start empty and get their
        // defaults here, after binding.
        ActiveWindows = ActiveWindows is [] ? DefaultWindows : ActiveWindows;
        SignupWindows = SignupWindows is [] ? DefaultWindows : SignupWindows;
        Platforms ??= DefaultPlatforms;
        Features ??= DefaultFeatures;
        Plans ??= DefaultPlans;
        BillingIntervals ??= DefaultBillingIntervals;
        FeatureWindows = FeatureWindows is [] ? DefaultFeatureWindows : FeatureWindows;
    }

    public CollectorOptions For(string collector) =>
        Collectors.TryGetValue(collector, out var options) ? options : new CollectorOptions();
}

public sealed class DatabaseOptions
{
    /// <summary>Npgsql connection string of the product database (use a read-only role).</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>Schema holding the contract relations (tables or views).</summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "must be a lower-case PostgreSQL identifier")]
    public string Schema { get; set; } = "public";

    [Range(1, 32)]
    public int MaxPoolSize { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Polls that may query the database at once; the others wait their turn. Keeps the first round (every collector
    /// due at start) from exhausting the pool and from loading the database with every heavy query together.
    /// </summary>
    [Range(1, 32)]
    public int MaxConcurrentPolls { get; set; } = 2;

    /// <summary>
    /// PostgreSQL work_mem of the exporter's transactions (SET LOCAL): the per-user aggregations of a large events table
    /// spill to disk at the server default of 4MB. Each concurrent poll may use a few multiples of it.
    /// </summary>
    [RegularExpression("^[1-9][0-9]{0,6}(kB|MB|GB)$", ErrorMessage = "must be a PostgreSQL memory size such as 64MB (kB, MB or GB)")]
    public string WorkMem { get; set; } = "64MB";
}

/// <summary>
/// The account health model (README "Account health"): each customer gets four 0-100 component scores, combined as a
/// weighted mean into a 0-100 score, banded green (score &gt;= GreenMin), yellow (&gt;= YellowMin) or red.
/// </summary>
public sealed class AccountHealthOptions
{
    [Range(0, 100)]
    public int UsageWeight { get; set; } = 40;

    [Range(0, 100)]
    public int SupportWeight { get; set; } = 20;

    [Range(0, 100)]
    public int SentimentWeight { get; set; } = 20;

    [Range(0, 100)]
    public int BillingWeight { get; set; } = 20;

    [Range(0, 100)]
    public double GreenMin { get; set; } = 70;

    [Range(0, 100)]
    public double YellowMin { get; set; } = 40;

    /// <summary>Distinct active days (of the 30 calendar days ending today) that earn an account full marks for frequency.</summary>
    [Range(1, 30)]
    public int UsageTargetDays { get; set; } = 20;

    /// <summary>A ticket whose first response took longer than this (or is still awaited after it) is slow.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SlowFirstResponse { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Support points lost per ticket open at now.</summary>
    [Range(0, 100)]
    public int OpenTicketPenalty { get; set; } = 15;

    /// <summary>Support points lost per slow ticket created in the last 30 days.</summary>
    [Range(0, 100)]
    public int SlowTicketPenalty { get; set; } = 25;
}

/// <summary>A collector's default schedule, used for every key its configuration does not set.</summary>
public sealed record CollectorSchedule(TimeSpan Interval, TimeSpan Timeout)
{
    public static CollectorSchedule Every(int minutes, int timeoutSeconds) =>
        new(TimeSpan.FromMinutes(minutes), TimeSpan.FromSeconds(timeoutSeconds));
}

public sealed class CollectorOptions
{
    public bool Enabled { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
