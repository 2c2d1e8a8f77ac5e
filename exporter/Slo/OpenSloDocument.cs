using YamlDotNet.RepresentationModel;

namespace SaasExporter.Slo;

/// <summary>One OpenSLO v1 object: its file, kind, name and spec, before interpretation, and its node (for positions).</summary>
public sealed record OpenSloDocument(
    string File,
    string Kind,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    string? DisplayName,
    YamlNode Spec,
    string SpecPath,
    YamlNode Root)
{
    public string Subject => $"{Kind}/{Name}";
}
