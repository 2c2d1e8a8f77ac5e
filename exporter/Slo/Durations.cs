using System.Globalization;
using System.Text.RegularExpressions;

namespace SaasExporter.Slo;

/// <summary>OpenSLO duration-shorthand (go-sdk units: w = 7d, M = 30d, Q = 90d, Y = 365d) and Prometheus duration text.</summary>
public static partial class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var match = Shorthand().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        var unit = match.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            "d" => TimeSpan.FromDays(1),
            "w" => TimeSpan.FromDays(7),
            "M" => TimeSpan.FromDays(30),
            "Q" => TimeSpan.FromDays(90),
            _ => TimeSpan.FromDays(365),
        };
        duration = unit * n;
        return true;
    }

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

    [GeneratedRegex("^([0-9]+)([mhdwMQY])$")]
    private static partial Regex Shorthand();
}
