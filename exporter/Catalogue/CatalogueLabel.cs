namespace SaasExporter.Catalogue;

/// <summary>
/// A label and the exact values it can take, when configuration or code bounds them; <see cref="Values"/> is null for
/// an open label, whose values come from the data (a plan, a cohort week, a custom query's label column).
/// </summary>
/// <param name="Name">The label name.</param>
/// <param name="Values">The values it can take; null when open.</param>
/// <param name="Source">Where the values come from: <c>code</c>, <c>configuration: Key</c>, <c>custom: file</c> or <c>data</c>.</param>
public sealed record CatalogueLabel(string Name, IReadOnlyList<string>? Values, string Source)
{
    public bool Open => Values is null;

    public static CatalogueLabel Fixed(string name, string source, params IEnumerable<string> values) => new(name, [.. values], source);

    public static CatalogueLabel FromData(string name) => new(name, null, "data");
}
