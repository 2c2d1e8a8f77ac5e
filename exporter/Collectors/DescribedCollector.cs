using SaasExporter.Database;

namespace SaasExporter.Collectors;

/// <summary>A collector whose name, families and relations are those of its <see cref="CollectorDescriptor"/>.</summary>
internal abstract class DescribedCollector(CollectorDescriptor descriptor) : IMetricCollector
{
    public string Name => descriptor.Name;

    public IReadOnlyList<MetricFamily> Families => descriptor.Families;

    public IReadOnlyList<string> Relations => descriptor.Relations;

    public abstract Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken);
}
