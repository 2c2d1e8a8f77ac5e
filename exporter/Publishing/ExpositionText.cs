namespace SaasExporter.Publishing;

/// <summary>
/// Escaping of the Prometheus text format that prometheus-net leaves to its caller. It escapes label values (backslash,
/// double quote, line feed) itself, but writes HELP text as given: a line feed in a help would end the comment and
/// make the rest of it a sample line (a parse error, or a forged sample).
/// </summary>
public static class ExpositionText
{
    /// <summary>HELP text with backslash and line feed escaped, as the text format requires.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>OpenMetrics' escaped-string (label values and HELP): backslash, double quote and line feed.</summary>
    public static string EscapeOpenMetrics(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}
