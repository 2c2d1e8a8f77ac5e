namespace SaasExporter.Hosting;

/// <summary>One series of the served exposition: family name, labels and value.</summary>
internal sealed record PublishedSample(string Family, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Has(string label, string value) => Labels.TryGetValue(label, out var actual) && actual == value;
}
