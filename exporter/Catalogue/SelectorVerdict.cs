namespace SaasExporter.Catalogue;

/// <summary>Whether a selector can ever match a series the exporter serves, and if not, why.</summary>
public sealed record SelectorVerdict(bool CanMatch, string? Reason)
{
    public static SelectorVerdict Yes { get; } = new(true, null);

    public static SelectorVerdict No(string reason) => new(false, reason);
}
