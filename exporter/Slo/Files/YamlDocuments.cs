using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Files;

/// <summary>Parses a configuration file's text into YAML documents, or says where and why the syntax breaks.</summary>
public static class YamlDocuments
{
    /// <summary>The documents of <paramref name="text"/>, or null and <c>file:line:column: not valid YAML: reason</c>.</summary>
    public static IReadOnlyList<YamlDocument>? Load(string file, string text, out string error)
    {
        var documents = Load(text, out var at, out var reason);
        error = documents is not null ? "" : at is { } mark ? $"{YamlPosition.Of(file, mark)}: not valid YAML: {reason}" : $"{file}: not valid YAML: {reason}";
        return documents;
    }

    /// <summary>The documents of <paramref name="text"/>, or null, where the syntax breaks (when known) and the first line of why.</summary>
    public static IReadOnlyList<YamlDocument>? Load(string text, out Mark? at, out string reason)
    {
        var stream = new YamlStream();
        (at, reason) = (null, "");
        try
        {
            stream.Load(new StringReader(text));
            return [.. stream.Documents];
        }
        catch (YamlException e)
        {
            // The representation model wraps some of the scanner's exceptions; the inner one has the plain reason.
            (at, reason) = (e.Start, FirstLine(e.InnerException?.Message ?? e.Message));
            return null;
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this on some malformed input (found by ParserFuzzTests); it carries no position.
            reason = FirstLine(e.Message);
            return null;
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
