using System.Globalization;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Catalogue;

namespace SaasExporter.Events.Engagement;

/// <summary>
/// Active users and accounts per rolling window, the L30 curve of active calendar days, power users and platform use.
/// </summary>
internal sealed class EngagementDefinition(ExporterOptions options) : IEventDefinition<EngagementCounts>
{
    /// <summary>Calendar days of the L30 curve: the 30 days ending today in the reporting time zone.</summary>
    public const int L30Days = 30;

    /// <summary>The entity label values of saas_active_users, in the order they are served.</summary>
    public const string UserEntity = "user";

    public const string AccountEntity = "account";

    internal static readonly MetricFamily ActiveUsers = new("saas_active_users",
        "Distinct users or accounts with a qualifying event in the rolling window (now - window, now].", "entity", "window");
    internal static readonly MetricFamily ActiveDaysUsers = new("saas_active_days_users",
        "Users by exact number of distinct active calendar days among the 30 calendar days ending today (L30 curve).", "days");
    internal static readonly MetricFamily PowerUsers = new("saas_power_users",
        "Users active on at least PowerUserMinDays of the 30 calendar days ending today.");
    internal static readonly MetricFamily PlatformActiveUsers = new("saas_platform_active_users",
        "Distinct users with a qualifying event on the platform in the rolling window.", "platform", "window");

    public static CollectorDescriptor Descriptor { get; } = new("engagement", CollectorSchedule.Every(1, 30), EventFamily.Relations,
        [ActiveUsers, ActiveDaysUsers, PowerUsers, PlatformActiveUsers])
    {
        LabelValues = (family, label, o) => (family, label) switch
        {
            ("saas_active_users", "entity") => CatalogueLabel.Code(label, UserEntity, AccountEntity),
            ("saas_active_users", "window") => CatalogueLabel.Windows(label, "ActiveWindows", o.ActiveWindows),
            ("saas_active_days_users", "days") => CatalogueLabel.Code(label, CatalogueLabel.Numbers(1, L30Days)),
            ("saas_platform_active_users", "platform") => CatalogueLabel.Fixed(label, "configuration: Platforms", o.Platforms!),
            ("saas_platform_active_users", "window") => CatalogueLabel.Windows(label, "PlatformWindow", o.PlatformWindow),
            _ => null,
        },
    };

    public static EventFamily Family { get; } = EventFamily.Create(Descriptor,
        o => new EngagementDefinition(o), d => new EngagementSql(d), (d, store) => new EngagementIndex(d, store), d => d.History);

    public ExporterOptions Options { get; } = options;

    public Window[] Windows { get; } = options.ActiveWindows;

    public Window PlatformWindow { get; } = options.PlatformWindow;

    public string[] Platforms { get; } = options.Platforms!;

    /// <summary>
    /// How far back the counts read: the longest window, and 31 days, which reach back past the first instant of the
    /// L30 calendar days in any time zone.
    /// </summary>
    public TimeSpan History => Windows.Select(w => w.Length).Append(PlatformWindow.Length).Append(TimeSpan.FromDays(L30Days + 1)).Max();

    public IReadOnlyList<Sample> Samples(EngagementCounts counts)
    {
        var samples = new List<Sample>();
        for (var w = 0; w < Windows.Length; w++)
        {
            samples.Add(ActiveUsers.Sample(counts.ActiveUsers[w], UserEntity, Windows[w].Label));
            samples.Add(ActiveUsers.Sample(counts.ActiveAccounts[w], AccountEntity, Windows[w].Label));
        }

        for (var d = 1; d <= L30Days; d++)
        {
            samples.Add(ActiveDaysUsers.Sample(counts.UsersByActiveDays[d], d.ToString(CultureInfo.InvariantCulture)));
        }

        samples.Add(PowerUsers.Sample(counts.PowerUsers));
        for (var p = 0; p < Platforms.Length; p++)
        {
            samples.Add(PlatformActiveUsers.Sample(counts.PlatformUsers[p], Platforms[p], PlatformWindow.Label));
        }

        return samples;
    }

    public EngagementCounts NewCounts() => new(Windows.Length, Platforms.Length);
}
