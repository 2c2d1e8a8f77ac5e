using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Catalogue;

namespace SaasExporter.Events.Resurrection;

/// <summary>
/// Dormancy and resurrection over a window W (30d): users active at some time up to now-2W and not in
/// (now-2W, now-W] were dormant at the window start; those active again in (now-W, now] are resurrected.
/// </summary>
internal sealed class ResurrectionDefinition(ExporterOptions options) : IEventDefinition<ResurrectionCounts>
{
    /// <summary>The window W; the activity index tracks gaps longer than it (<see cref="Incremental.ActivityIndex.Dormancy"/>).</summary>
    public static readonly Window DormancyWindow = Window.Days(30);

    internal static readonly MetricFamily DormantUsers = new("saas_dormant_users_window_start",
        "Users active at some time up to now-2W and not in (now-2W, now-W]: dormant when the window started.", "window");
    internal static readonly MetricFamily ResurrectedUsers = new("saas_resurrected_users",
        "Of the users dormant at the window start, those with a qualifying event in (now-W, now].", "window");

    public static CollectorDescriptor Descriptor { get; } = new("resurrection", CollectorSchedule.Every(15, 300), EventFamily.Relations,
        [DormantUsers, ResurrectedUsers])
    {
        LabelValues = (_, label, _) => label == "window" ? CatalogueLabel.Code(label, DormancyWindow.Label) : null,
    };

    /// <summary>
    /// The index keeps per user the latest gap longer than W between consecutive events, and needs the events of the
    /// last W in detail to see the gap's end and the event before it.
    /// </summary>
    public static EventFamily Family { get; } = EventFamily.Create(Descriptor,
        o => new ResurrectionDefinition(o), d => new ResurrectionSql(d), (d, store) => new ResurrectionIndex(store), _ => DormancyWindow.Length);

    public ExporterOptions Options { get; } = options;

    public IReadOnlyList<Sample> Samples(ResurrectionCounts counts) =>
    [
        DormantUsers.Sample(counts.Dormant, DormancyWindow.Label),
        ResurrectedUsers.Sample(counts.Resurrected, DormancyWindow.Label),
    ];
}
