namespace SaasExporter.Catalogue;

/// <summary>
/// One series name the exporter can serve (a histogram family serves three: _bucket, _sum and _count), the collector
/// that serves it, and every label it carries.
/// </summary>
public sealed record CatalogueFamily(string Name, string Family, string Type, string Collector, string Help, IReadOnlyList<CatalogueLabel> Labels)
{
    public CatalogueLabel? Label(string name) => Labels.FirstOrDefault(l => l.Name == name);
}
