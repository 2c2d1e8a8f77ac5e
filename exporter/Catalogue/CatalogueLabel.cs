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

    /// <summary>Those of <see cref="Values"/> served only when the data holds them (an allow-list's catch-alls).</summary>
    public IReadOnlyList<string> WhenPresent { get; init; } = [];

    public static CatalogueLabel Fixed(string name, string source, params IEnumerable<string> values) => new(name, [.. values], source);

    public static CatalogueLabel FromData(string name) => new(name, null, "data");

    /// <summary>Values fixed by the code that computes them.</summary>
    public static CatalogueLabel Code(string name, params IEnumerable<string> values) => Fixed(name, "code", values);

    /// <summary>The labels of the windows configured under <paramref name="key"/>.</summary>
    public static CatalogueLabel Windows(string name, string key, params IEnumerable<Configuration.Window> windows) =>
        Fixed(name, $"configuration: {key}", windows.Select(w => w.Label));

    /// <summary>0, 1, ... <paramref name="count"/> - 1 (or from <paramref name="first"/>), as label values.</summary>
    public static IEnumerable<string> Numbers(int first, int count) =>
        Enumerable.Range(first, count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
