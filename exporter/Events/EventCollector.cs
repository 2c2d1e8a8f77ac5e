using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Events;

/// <summary>An event family served from one of its sources: the source counts, the definition turns counts into samples.</summary>
internal sealed class EventCollector<TCounts>(IEventDefinition<TCounts> definition, IEventSource<TCounts> source) : IMetricCollector
{
    public string Name => definition.Name;

    public IReadOnlyList<MetricFamily> Families => definition.Families;

    public IReadOnlyList<string> Relations => EventFamily.Relations;

    public async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        new(definition.Samples(await source.CountAsync(now, db, cancellationToken)));
}
