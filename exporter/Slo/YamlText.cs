using System.Globalization;
using System.Text;

namespace SaasExporter.Slo;

/// <summary>Small helpers for writing YAML text deterministically (LF line ends, double-quoted strings).</summary>
public static class YamlText
{
    /// <summary>
    /// A double-quoted YAML scalar that parses back to <paramref name="text"/>: quotes, backslashes and every character
    /// YAML does not print (C0, DEL, C1, U+2028/U+2029, U+FEFF, U+FFFE/U+FFFF, unpaired surrogates) are escaped.
    /// </summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"' || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (NeedsEscape(c))
            {
                builder.Append(c <= '\u00ff' ? "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    private static bool NeedsEscape(char c) =>
        c < ' ' || c is >= '\u007f' and <= '\u009f' || c is '\u2028' or '\u2029' or '\ufeff' or '\ufffe' or '\uffff' || char.IsSurrogate(c);

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
