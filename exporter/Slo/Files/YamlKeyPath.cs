using YamlDotNet.RepresentationModel;

namespace SaasExporter.Files;

/// <summary>
/// Finds the node a dotted key path names (<c>spec.objectives[0].op</c>, <c>metadata.annotations.example.io/x</c>: keys
/// may hold dots), for problems found after reading, which know their key path but not their node.
/// </summary>
public static class YamlKeyPath
{
    /// <summary>
    /// The node of <paramref name="path"/> under <paramref name="root"/> (see <see cref="At"/>), or of its longest
    /// present prefix: a missing key is reported where it belongs.
    /// </summary>
    public static YamlNode Locate(YamlNode root, string path)
    {
        var node = root;
        var found = root;
        var rest = path;
        while (rest.Length > 0)
        {
            if (rest[0] == '[')
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || !int.TryParse(rest.AsSpan(1, close - 1), out var index)
                    || node is not YamlSequenceNode sequence || index < 0 || index >= sequence.Children.Count)
                {
                    break;
                }

                node = found = sequence.Children[index];
                rest = rest[(close + 1)..].TrimStart('.');
                continue;
            }

            if (node is not YamlMappingNode mapping)
            {
                break;
            }

            var remaining = rest;
            var entry = mapping.Children
                .Where(c => c.Key is YamlScalarNode { Value: { Length: > 0 } k } && remaining.StartsWith(k, StringComparison.Ordinal)
                    && (remaining.Length == k.Length || remaining[k.Length] is '.' or '['))
                .OrderByDescending(c => ((YamlScalarNode)c.Key).Value!.Length)
                .FirstOrDefault();
            if (entry.Key is null)
            {
                break;
            }

            found = At(entry.Key, entry.Value);
            node = entry.Value;
            rest = rest[((YamlScalarNode)entry.Key).Value!.Length..].TrimStart('.');
        }

        return found;
    }

    /// <summary>Where a problem of one entry is shown: at a scalar value, otherwise at the key (a block value starts on the next line).</summary>
    public static YamlNode At(YamlNode key, YamlNode value) => value is YamlScalarNode ? value : key;
}
