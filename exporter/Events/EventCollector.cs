using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Events;

/// <summary>An event family served from one of its sources: the source counts, the definition turns counts into samples.</summary>
internal sealed class EventCollector<TCounts>(CollectorDescriptor descriptor, IEventDefinition<TCounts> definition, IEventSource<TCounts> source)
    : DescribedCollector(descriptor)
{
    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        new(definition.Samples(await source.CountAsync(now, db, cancellationToken)));
}
