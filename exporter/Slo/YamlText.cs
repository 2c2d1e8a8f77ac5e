using System.Text;

namespace SaasExporter.Slo;

/// <summary>Small helpers for writing YAML text deterministically (LF line ends, double-quoted strings).</summary>
public static class YamlText
{
    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    public static void Block(StringBuilder builder, string indent, string key, string expression)
    {
        if (!expression.Contains('\n'))
        {
            builder.Append(indent).Append(key).Append(": ").Append(Quote(expression)).Append('\n');
            return;
        }

        builder.Append(indent).Append(key).Append(": |\n");
        foreach (var line in expression.Split('\n'))
        {
            builder.Append(indent).Append("  ").Append(line).Append('\n');
        }
    }

    public static void Map(StringBuilder builder, string indent, string key, IEnumerable<KeyValuePair<string, string>> entries)
    {
        builder.Append(indent).Append(key).Append(":\n");
        foreach (var (k, v) in entries)
        {
            builder.Append(indent).Append("  ").Append(k).Append(": ").Append(Quote(v)).Append('\n');
        }
    }
}
