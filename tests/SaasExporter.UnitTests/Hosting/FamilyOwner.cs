using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.UnitTests.Hosting;

/// <summary>A collector that only owns the families named, for code that asks which collector publishes what.</summary>
internal sealed class FamilyOwner(string name, params string[] families) : IMetricCollector
{
    public string Name { get; } = name;

    public IReadOnlyList<MetricFamily> Families { get; } = [.. families.Select(f => new MetricFamily(f, "Test family."))];

    public IReadOnlyList<string> Relations { get; } = [];

    public Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        throw new NotSupportedException("never polled");
}
