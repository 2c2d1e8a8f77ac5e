using YamlDotNet.RepresentationModel;

namespace SaasExporter.Slo;

/// <summary>One top-level OpenSLO v1 object: its file, kind, name and spec, before interpretation.</summary>
public sealed record OpenSloDocument(
    string File,
    string Kind,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    string? DisplayName,
    YamlNode Spec,
    string SpecPath)
{
    public string Subject => $"{Kind}/{Name}";
}
