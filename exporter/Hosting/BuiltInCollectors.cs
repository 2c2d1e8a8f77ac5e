using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Events;
using SaasExporter.Events.Adoption;
using SaasExporter.Events.Engagement;
using SaasExporter.Events.Resurrection;
using SaasExporter.Events.Retention;
using SaasExporter.Events.Sessions;
using SaasExporter.Incremental;

namespace SaasExporter.Hosting;

/// <summary>
/// Every built-in collector, in the order they are registered (and served). Adding a metric family: write its
/// collector file (or its event family folder) and add one line here.
/// </summary>
internal static class BuiltInCollectors
{
    public static IReadOnlyList<BuiltInCollector> All { get; } =
    [
        Event(EngagementDefinition.Family),
        Event(SessionDefinition.Family),
        Polled<ActivationCollector>(),
        Polled<RevenueCollector>(),
        Polled<AcquisitionCollector>(),
        Event(AdoptionDefinition.Family),
        Event(RetentionDefinition.Family),
        Event(ResurrectionDefinition.Family),
        Polled<SupportCollector>(),
        Polled<SurveyCollector>(),
        Event(AccountHealthDefinition.Family),
    ];

    public static IReadOnlyList<CollectorDescriptor> Descriptors { get; } = [.. All.Select(c => c.Descriptor)];

    private static BuiltInCollector Polled<T>()
        where T : class, IMetricCollector, IDescribedCollector =>
        new(T.Descriptor, (services, _) => services.AddSingleton<IMetricCollector, T>());

    /// <summary>
    /// An event metric family from its SQL source, or from the activity index. The family itself is registered too:
    /// the index loader reads every family's history, and the differential test compares both sources of each.
    /// </summary>
    private static BuiltInCollector Event(EventFamily family) => new(family.Descriptor, (services, incremental) =>
    {
        services.AddSingleton(family);
        services.AddSingleton<IMetricCollector>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ExporterOptions>>().Value;
            return incremental ? family.Index(options, sp.GetRequiredService<ActivityIndexStore>()) : family.Sql(options);
        });
    });
}
