using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Files;

/// <summary>The <c>file:line:column</c> every configuration file problem starts with (1-based, as editors count).</summary>
public static class YamlPosition
{
    public static string Of(string file, Mark at) => $"{file}:{at.Line}:{at.Column}";

    public static string Of(string file, YamlNode at) => Of(file, at.Start);

    /// <summary>A problem is one line: a quoted key or value holding a line break or control character is shown escaped.</summary>
    public static string OneLine(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var b = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            b.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return b.ToString();
    }
}
