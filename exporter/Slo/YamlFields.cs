using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Slo;

/// <summary>
/// Reads the keys of one YAML mapping, reporting wrong types and missing keys against a dotted field path; keys never
/// asked for are reported by <see cref="RejectUnknown"/>, so a typo is an error naming the key.
/// </summary>
public sealed class YamlFields
{
    private readonly YamlMappingNode node;
    private readonly string path;
    private readonly Action<string, string> error;
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    public YamlFields(YamlMappingNode node, string path, Action<string, string> error)
    {
        this.node = node;
        this.path = path;
        this.error = error;
    }

    /// <summary>Wraps a node that must be a mapping; reports and returns null otherwise.</summary>
    public static YamlFields? Of(YamlNode node, string path, Action<string, string> error)
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlFields(mapping, path, error);
        }

        error(path.Length == 0 ? "(document)" : path, "expected a mapping");
        return null;
    }

    public string Path => path;

    /// <summary>The error sink, taking a full field path (for nested mappings built with a full path).</summary>
    public Action<string, string> Report => error;

    public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";

    public void Error(string key, string message) => error(PathOf(key), message);

    public void Allow(params string[] keys) => known.UnionWith(keys);

    public bool Has(string key)
    {
        known.Add(key);
        return Find(key) is not null;
    }

    public YamlNode? Node(string key, bool required = false)
    {
        known.Add(key);
        var value = Find(key);
        if (value is null && required)
        {
            Error(key, "required");
        }

        return value;
    }

    public string? String(string key, bool required = false)
    {
        var value = Node(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is YamlScalarNode { Value: { Length: > 0 } text })
        {
            return text;
        }

        Error(key, value is YamlScalarNode ? "must not be empty" : "expected a string");
        return null;
    }

    public decimal? Number(string key, bool required = false)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Error(key, $"expected a number, got '{text}'");
        return null;
    }

    public bool? Bool(string key)
    {
        var text = String(key);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Error(key, $"expected true or false, got '{text}'");
                return null;
        }
    }

    public YamlFields? Map(string key, bool required = false)
    {
        var value = Node(key, required);
        return value is null ? null : Of(value, PathOf(key), error);
    }

    public IReadOnlyList<YamlNode>? List(string key, bool required = false)
    {
        var value = Node(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is YamlSequenceNode sequence)
        {
            return [.. sequence.Children];
        }

        Error(key, "expected a list");
        return null;
    }

    /// <summary>The scalar entries of a string map (metadata labels, annotations); lists keep their first value.</summary>
    public IReadOnlyDictionary<string, string> Strings()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            known.Add(key);
            var text = value switch
            {
                YamlScalarNode scalar => scalar.Value,
                YamlSequenceNode { Children: [YamlScalarNode first, ..] } => first.Value,
                _ => null,
            };
            if (text is null)
            {
                Error(key, "expected a string or a list of strings");
                continue;
            }

            result[key] = text;
        }

        return result;
    }

    public void RejectUnknown()
    {
        foreach (var keyNode in node.Children.Keys)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? keyNode.ToString();
            if (!known.Contains(key))
            {
                Error(key, "unknown key");
            }
        }
    }

    private YamlNode? Find(string key) =>
        node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var k } && k == key).Value;
}
