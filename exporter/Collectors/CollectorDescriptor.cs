using SaasExporter.Catalogue;
using SaasExporter.Configuration;

namespace SaasExporter.Collectors;

/// <summary>
/// What is known of a collector before anything is built: its configuration name (Collectors:&lt;Name&gt; and the
/// collector label), its default schedule, the contract relations (docs/contract.md) its SQL reads and the metric
/// families it may emit. Validation and the catalogue read descriptors only; they never build a collector. Heavy
/// collectors poll less often by default, because their numbers move slowly and their queries cost the product
/// database the most.
/// </summary>
public sealed record CollectorDescriptor(
    string Name,
    CollectorSchedule DefaultSchedule,
    IReadOnlyList<string> Relations,
    IReadOnlyList<MetricFamily> Families)
{
    /// <summary>
    /// The values a label of one of <see cref="Families"/> takes under a configuration, from the code or settings that
    /// bound them (family name, label name, options); null for a label this collector does not bound, which the
    /// catalogue reports as unlisted (a test requires that none is).
    /// </summary>
    public Func<string, string, ExporterOptions, CatalogueLabel?> LabelValues { get; init; } = (_, _, _) => null;
}
