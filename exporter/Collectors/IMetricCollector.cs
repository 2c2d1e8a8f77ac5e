using SaasExporter.Database;

namespace SaasExporter.Collectors;

/// <summary>
/// One metric family group computed from the product database. A collector is a pure function of the database
/// snapshot and the evaluation instant: it never publishes, retries or schedules itself.
/// </summary>
public interface IMetricCollector
{
    /// <summary>Name used in configuration (Collectors:&lt;Name&gt;) and in the collector label.</summary>
    string Name { get; }

    /// <summary>The metric families this collector owns; it may only emit samples of these.</summary>
    IReadOnlyList<MetricFamily> Families { get; }

    /// <summary>Contract relations (docs/contract.md, Relations) the SQL reads.</summary>
    IReadOnlyList<string> Relations { get; }

    Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken);
}
