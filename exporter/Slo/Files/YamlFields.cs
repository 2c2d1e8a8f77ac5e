using System.Globalization;
using SaasExporter.Slo;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Files;

/// <summary>
/// The one field reader of every configuration file (custom collectors, web config, OpenSLO): typed getters over one
/// YAML mapping. A missing, mistyped or unknown key is reported through <see cref="FieldError"/> with its node and
/// dotted key path, and reading carries on, so every problem of a file is reported at once. Keys neither read nor
/// allowed are reported by <see cref="RejectUnknown"/>, with the nearest known key when one is close.
/// </summary>
public sealed class YamlFields
{
    private readonly YamlMappingNode node;
    private readonly string path;
    private readonly FieldError error;
    private readonly List<string> known = [];

    public YamlFields(YamlMappingNode node, string path, FieldError error)
    {
        this.node = node;
        this.path = path;
        this.error = error;
    }

    /// <summary>Wraps a node that must be a mapping; reports <paramref name="notAMapping"/> and returns null otherwise.</summary>
    public static YamlFields? Of(YamlNode node, string path, FieldError error, string notAMapping = "expected a mapping")
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlFields(mapping, path, error);
        }

        error(node, path, notAMapping);
        return null;
    }

    public YamlMappingNode Mapping => node;

    public string Path => path;

    /// <summary>The error sink, for nested mappings read with a path of their own.</summary>
    public FieldError Report => error;

    public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Reports a problem of <paramref name="key"/> at its entry (<see cref="YamlKeyPath.At"/>), or at this mapping when the key is absent.</summary>
    public void Error(string key, string message) => error(Entry(key) is { Key: { } k, Value: { } v } ? YamlKeyPath.At(k, v) : node, PathOf(key), message);

    /// <summary>Reports a problem of <paramref name="key"/> at <paramref name="at"/> (an item of its list, a key of its map).</summary>
    public void Error(YamlNode at, string key, string message) => error(at, PathOf(key), message);

    public void Allow(params string[] keys)
    {
        foreach (var key in keys)
        {
            Know(key);
        }
    }

    public bool Has(string key)
    {
        Know(key);
        return Find(key) is not null;
    }

    public YamlNode? Node(string key, bool required = false)
    {
        Know(key);
        var value = Find(key);
        if (value is null && required)
        {
            Error(key, "is required");
        }

        return value;
    }

    /// <summary>A scalar, empty text included; a list or mapping is reported.</summary>
    public string? Scalar(string key, bool required = false)
    {
        var value = Node(key, required);
        switch (value)
        {
            case null:
                return null;
            case YamlScalarNode scalar:
                return scalar.Value ?? "";
            default:
                Error(key, "must be a single value");
                return null;
        }
    }

    /// <summary>A non-empty scalar.</summary>
    public string? String(string key, bool required = false)
    {
        var text = Scalar(key, required);
        if (text is { Length: 0 })
        {
            Error(key, "must not be empty");
            return null;
        }

        return text;
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

    /// <summary>
    /// A duration in the one grammar (<see cref="Durations"/>) with the units this file allows;
    /// <paramref name="expected"/> completes "'x' is not …" (a duration such as 30s, 5m or 1h).
    /// </summary>
    public TimeSpan? Duration(string key, IReadOnlyCollection<string> units, string expected, bool required = false)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, units, out var duration))
        {
            return duration;
        }

        Error(key, $"'{text}' is not {expected}");
        return null;
    }

    public YamlFields? Map(string key, bool required = false, string notAMapping = "expected a mapping")
    {
        var value = Node(key, required);
        return value is null ? null : Of(value, PathOf(key), error, notAMapping);
    }

    public IReadOnlyList<YamlNode>? List(string key, bool required = false, string notAList = "expected a list")
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

        Error(key, notAList);
        return null;
    }

    /// <summary>A list of scalars (names, numbers); empty when absent, null when it is something else (reported).</summary>
    public IReadOnlyList<string>? Scalars(string key, string notAList)
    {
        var value = Node(key);
        if (value is null)
        {
            return [];
        }

        if (value is not YamlSequenceNode list || list.Children.Any(c => c is not YamlScalarNode))
        {
            Error(key, notAList);
            return null;
        }

        return [.. list.Children.Cast<YamlScalarNode>().Select(c => c.Value ?? "")];
    }

    /// <summary>
    /// Every entry of this mapping as text to text, each key counted as known; an entry whose value is not a scalar
    /// (nor, when <paramref name="firstOfList"/>, a list whose first value is taken) is reported with
    /// <paramref name="notAString"/> and left out.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries(string notAString = "expected a string or a list of strings", bool firstOfList = true)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var (keyNode, value) in node.Children)
        {
            var key = KeyText(keyNode);
            Know(key);
            var text = value switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                YamlSequenceNode { Children: [YamlScalarNode first, ..] } when firstOfList => first.Value ?? "",
                _ => null,
            };
            if (text is null)
            {
                error(value, PathOf(key), notAString);
                continue;
            }

            result.Add(new KeyValuePair<string, string>(key, text));
        }

        return result;
    }

    /// <summary>
    /// Reports every key neither read nor allowed: <paramref name="explain"/> may say why a key is refused; otherwise
    /// the message lists the known keys, led by the nearest one when a typo is likely.
    /// </summary>
    public void RejectUnknown(Func<string, string?>? explain = null)
    {
        foreach (var keyNode in node.Children.Keys)
        {
            var key = KeyText(keyNode);
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                error(keyNode, PathOf(key), explain?.Invoke(key) ?? UnknownKey(key));
            }
        }
    }

    private string UnknownKey(string key)
    {
        var list = known.Count == 0 ? "" : $" (known: {string.Join(", ", known)})";
        return KeySuggestion.Nearest(key, known) is { } nearest
            ? $"unknown key, did you mean '{nearest}'?{list}"
            : $"unknown key{list}";
    }

    private void Know(string key)
    {
        if (!known.Contains(key, StringComparer.Ordinal))
        {
            known.Add(key);
        }
    }

    private static string KeyText(YamlNode key) => key is YamlScalarNode scalar ? scalar.Value ?? "" : key.ToString();

    private YamlNode? Find(string key) => Entry(key).Value;

    private KeyValuePair<YamlNode, YamlNode> Entry(string key) =>
        node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var k } && k == key);
}
