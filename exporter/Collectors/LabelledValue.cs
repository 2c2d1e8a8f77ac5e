namespace SaasExporter.Collectors;

/// <summary>A row of a multi-output query: which output, up to two label values, and the value.</summary>
internal sealed record LabelledValue(string Family, string A, string B, double Value);
