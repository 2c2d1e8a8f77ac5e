using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SaasExporter.Slo;

/// <summary>
/// The one duration grammar of every file and setting: a positive whole number and one unit, Prometheus style
/// (<c>500ms 30s 5m 1h 1d 1w</c>), plus OpenSLO's go-sdk calendar units (<c>M</c> = 30d, <c>Q</c> = 90d, <c>Y</c> = 365d)
/// where a reader allows them. Each reader states which units it takes (<see cref="Prometheus"/>, <see cref="OpenSlo"/>,
/// a window's <c>m h d w</c>); bounds stay with the reader.
/// </summary>
public static partial class Durations
{
    /// <summary>Custom collector intervals and timeouts, settings.</summary>
    public static readonly string[] Prometheus = ["ms", "s", "m", "h", "d", "w"];

    /// <summary>OpenSLO duration-shorthand: minutes and longer, with the go-sdk's M, Q and Y.</summary>
    public static readonly string[] OpenSlo = ["m", "h", "d", "w", "M", "Q", "Y"];

    /// <summary>Parses <paramref name="text"/> when it is a number (at most 6 digits, not 0) and one of <paramref name="units"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, IReadOnlyCollection<string> units, out TimeSpan duration)
    {
        duration = default;
        var match = text is null ? Match.Empty : Term().Match(text);
        if (!match.Success || !units.Contains(match.Groups[2].Value)
            || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n == 0)
        {
            return false;
        }

        var unit = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            "m" => TimeSpan.TicksPerMinute,
            "h" => TimeSpan.TicksPerHour,
            "d" => TimeSpan.TicksPerDay,
            "w" => 7 * TimeSpan.TicksPerDay,
            "M" => 30 * TimeSpan.TicksPerDay,
            "Q" => 90 * TimeSpan.TicksPerDay,
            _ => 365 * TimeSpan.TicksPerDay,
        };
        if (n > TimeSpan.MaxValue.Ticks / unit)
        {
            return false;
        }

        duration = TimeSpan.FromTicks(n * unit);
        return true;
    }

    /// <summary>OpenSLO duration-shorthand (go-sdk units).</summary>
    public static bool TryParse(string text, out TimeSpan duration) => TryParse(text, OpenSlo, out duration);

    /// <summary>Prometheus duration in one unit: 4d, 28h, 30m.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration.Ticks % TimeSpan.TicksPerDay == 0)
        {
            return $"{duration.Ticks / TimeSpan.TicksPerDay}d";
        }

        if (duration.Ticks % TimeSpan.TicksPerHour == 0)
        {
            return $"{duration.Ticks / TimeSpan.TicksPerHour}h";
        }

        if (duration.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            return $"{duration.Ticks / TimeSpan.TicksPerMinute}m";
        }

        // Short windows of time-compressed SLOs (a 1m long window gives a 5s short one).
        return $"{(long)Math.Round(duration.TotalSeconds)}s";
    }

    [GeneratedRegex("^([0-9]{1,6})(ms|s|m|h|d|w|M|Q|Y)$", RegexOptions.CultureInvariant)]
    private static partial Regex Term();
}
