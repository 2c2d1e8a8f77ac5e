using System.Text.RegularExpressions;
using SaasExporter.Files;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Slo;

/// <summary>Splits OpenSLO v1 YAML files into objects, checking the envelope (apiVersion, kind, metadata).</summary>
public static partial class OpenSloParser
{
    public const string ApiVersion = "openslo/v1";

    public static readonly string[] Kinds = ["SLO", "SLI", "AlertPolicy", "AlertCondition", "AlertNotificationTarget", "DataSource", "Service"];

    public static List<OpenSloDocument> Parse(string file, string text, Diagnostics diagnostics)
    {
        var documents = new List<OpenSloDocument>();
        if (YamlDocuments.Load(text, out var at, out var reason) is not { } yaml)
        {
            diagnostics.Error(file, "(document)", "(yaml)", $"not valid YAML: {reason}", at);
            return documents;
        }

        for (var i = 0; i < yaml.Count; i++)
        {
            var root = yaml[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            var document = ParseEnvelope(file, $"document {i + 1}", root, diagnostics);
            if (document is not null)
            {
                diagnostics.Locate(file, document.Subject, root);
                documents.Add(document);
            }
        }

        return documents;
    }

    /// <summary>Reads apiVersion/kind/metadata/spec of a top-level or inline object.</summary>
    public static OpenSloDocument? ParseEnvelope(string file, string fallbackSubject, YamlNode node, Diagnostics diagnostics, string path = "", string? expectedKind = null, bool keepSubject = false)
    {
        var subject = fallbackSubject;
        void Report(YamlNode at, string field, string message) => diagnostics.Error(file, subject, field, message, at);

        var fields = YamlFields.Of(node, path, Report);
        if (fields is null)
        {
            return null;
        }

        var metadata = fields.Map("metadata", required: true);
        var name = metadata?.String("name", required: true);
        var kind = expectedKind is null ? fields.String("kind", required: true) : fields.String("kind") ?? expectedKind;
        if (!keepSubject)
        {
            subject = $"{kind ?? "?"}/{name ?? "?"}";
        }

        if (expectedKind is null)
        {
            var version = fields.String("apiVersion", required: true);
            if (version is not null && version != ApiVersion)
            {
                fields.Error("apiVersion", $"'{version}' is not supported: use {ApiVersion}");
            }
        }
        else
        {
            fields.Allow("apiVersion");
            if (kind != expectedKind)
            {
                fields.Error("kind", $"expected {expectedKind}, got '{kind}'");
            }
        }

        if (kind is not null && !Kinds.Contains(kind))
        {
            fields.Error("kind", $"'{kind}' is not an OpenSLO v1 kind ({string.Join(", ", Kinds)})");
            kind = null;
        }

        if (name is not null && !DnsLabel().IsMatch(name))
        {
            metadata!.Error("name", $"'{name}' is not an RFC 1123 DNS label (lowercase letters, digits and '-', at most 63)");
        }

        var displayName = metadata?.String("displayName");
        var labels = Strings(metadata?.Map("labels"));
        var annotations = Strings(metadata?.Map("annotations"));
        metadata?.RejectUnknown();
        var spec = fields.Node("spec", required: true);
        fields.RejectUnknown();

        return kind is null || name is null || spec is null
            ? null
            : new OpenSloDocument(file, kind, name, labels, annotations, displayName, spec, fields.PathOf("spec"), node);
    }

    /// <summary>The string map of metadata labels or annotations, sorted; a list keeps its first value.</summary>
    private static SortedDictionary<string, string> Strings(YamlFields? map) =>
        new(map?.Entries().ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal) ?? [], StringComparer.Ordinal);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
