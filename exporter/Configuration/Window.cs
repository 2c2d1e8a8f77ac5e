using System.Globalization;
using System.Text.RegularExpressions;

namespace SaasExporter.Configuration;

/// <summary>A rolling window such as <c>30d</c>: its label value and its exact length (1d = 24 h).</summary>
public readonly partial record struct Window(string Label, TimeSpan Length)
{
    public static bool TryParse(string? text, out Window window)
    {
        window = default;
        if (text is null)
        {
            return false;
        }

        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var n = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (n == 0 || n > 3650)
        {
            return false;
        }

        var length = match.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            _ => TimeSpan.FromDays(7 * n),
        };
        window = new Window(text, length);
        return true;
    }

    public static Window Parse(string text) =>
        TryParse(text, out var window) ? window : throw new FormatException($"'{text}' is not a window such as 30d, 12h or 4w");

    [GeneratedRegex("^([0-9]{1,4})(m|h|d|w)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
