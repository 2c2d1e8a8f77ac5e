using System.ComponentModel;
using System.Globalization;
using SaasExporter.Slo;

namespace SaasExporter.Configuration;

/// <summary>
/// A rolling window such as <c>30d</c>: its label value and its exact length (1d = 24 h), in the one duration grammar.
/// Settings bind to it directly (<see cref="WindowConverter"/>), so a window is parsed once, when configuration loads.
/// </summary>
[TypeConverter(typeof(WindowConverter))]
public readonly record struct Window(string Label, TimeSpan Length)
{
    /// <summary>What a window looks like, for the message about a value that is not one.</summary>
    public const string Expected = "expected a window such as 30d, 12h or 4w";

    /// <summary>A window counts minutes to weeks (no seconds, no calendar months), at most 3650 of them.</summary>
    private static readonly string[] Units = ["m", "h", "d", "w"];
    private const int MaxCount = 3650;

    public static bool TryParse(string? text, out Window window)
    {
        window = default;
        if (!Durations.TryParse(text, Units, out var length) || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > MaxCount)
        {
            return false;
        }

        window = new Window(text, length);
        return true;
    }

    public static Window Parse(string text) =>
        TryParse(text, out var window) ? window : throw new FormatException($"'{text}' is not a window such as 30d, 12h or 4w");

    /// <summary>A window of whole days, labelled as it is written (<c>30d</c>).</summary>
    public static Window Days(int days) => new(string.Create(CultureInfo.InvariantCulture, $"{days}d"), TimeSpan.FromDays(days));
}
