namespace SaasExporter.Custom;

/// <summary>The result of reading a custom collector file: its collectors, or every problem found in it.</summary>
public sealed record CustomCollectorLoad(IReadOnlyList<CustomCollectorDefinition> Collectors, IReadOnlyList<string> Errors);
