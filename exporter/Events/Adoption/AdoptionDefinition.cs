using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Catalogue;

namespace SaasExporter.Events.Adoption;

/// <summary>
/// Feature adoption: distinct users per configured feature and window, and active users by how many distinct
/// configured features they used (breadth). Feature values not in the configured list never become labels.
/// </summary>
internal sealed class AdoptionDefinition(ExporterOptions options) : IEventDefinition<AdoptionCounts>
{
    /// <summary>Breadth buckets: label and the inclusive range of distinct features used.</summary>
    public static IReadOnlyList<(string Label, int Low, int High)> BreadthBuckets { get; } =
        [("0", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4", 4, 4), ("5+", 5, int.MaxValue)];

    internal static readonly MetricFamily FeatureActiveUsers = new("saas_feature_active_users",
        "Distinct users with a qualifying event of the feature in the rolling window.", "feature", "window");
    internal static readonly MetricFamily FeaturesUsedUsers = new("saas_features_used_users",
        "Active users in the window by number of distinct configured features they used (0, 1, ... 5+).", "features", "window");

    public static CollectorDescriptor Descriptor { get; } = new("adoption", CollectorSchedule.Every(5, 120), EventFamily.Relations,
        [FeatureActiveUsers, FeaturesUsedUsers])
    {
        LabelValues = (family, label, o) => (family, label) switch
        {
            ("saas_feature_active_users", "feature") => CatalogueLabel.Fixed(label, "configuration: Features", o.Features!),
            ("saas_feature_active_users", "window") => CatalogueLabel.Windows(label, "FeatureWindows", o.FeatureWindows),
            ("saas_features_used_users", "features") => CatalogueLabel.Code(label, BreadthBuckets.Select(b => b.Label)),
            ("saas_features_used_users", "window") => CatalogueLabel.Windows(label, "FeaturesUsedWindow", o.FeaturesUsedWindow),
            _ => null,
        },
    };

    public static EventFamily Family { get; } = EventFamily.Create(Descriptor,
        o => new AdoptionDefinition(o), d => new AdoptionSql(d), (d, store) => new AdoptionIndex(d, store), d => d.History);

    public ExporterOptions Options { get; } = options;

    public Window[] Windows { get; } = options.FeatureWindows;

    public Window BreadthWindow { get; } = options.FeaturesUsedWindow;

    public string[] Features { get; } = options.Features!;

    /// <summary>How far back the counts read: the longest window.</summary>
    public TimeSpan History => Windows.Select(w => w.Length).Append(BreadthWindow.Length).Max();

    /// <summary>The breadth bucket of a user who used this many distinct configured features.</summary>
    public static int BreadthBucket(int features)
    {
        for (var b = 0; ; b++)
        {
            if (features >= BreadthBuckets[b].Low && features <= BreadthBuckets[b].High)
            {
                return b;
            }
        }
    }

    public AdoptionCounts NewCounts() => new(Features.Length, Windows.Length, BreadthBuckets.Count);

    public IReadOnlyList<Sample> Samples(AdoptionCounts counts)
    {
        var samples = new List<Sample>();
        for (var f = 0; f < Features.Length; f++)
        {
            for (var w = 0; w < Windows.Length; w++)
            {
                samples.Add(FeatureActiveUsers.Sample(counts.FeatureUsers[f, w], Features[f], Windows[w].Label));
            }
        }

        for (var b = 0; b < BreadthBuckets.Count; b++)
        {
            samples.Add(FeaturesUsedUsers.Sample(counts.Breadth[b], BreadthBuckets[b].Label, BreadthWindow.Label));
        }

        return samples;
    }
}
