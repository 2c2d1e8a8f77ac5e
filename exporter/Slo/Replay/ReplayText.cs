using System.Globalization;

namespace SaasExporter.Slo.Replay;

/// <summary>How the replay prints instants, durations and ratios, in Markdown and JSON alike.</summary>
public static class ReplayText
{
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Days, hours, minutes and seconds, largest first, zeros left out: 6d 19h 20m.</summary>
    public static string Duration(TimeSpan duration)
    {
        var parts = new List<string>();
        if (duration.Days > 0)
        {
            parts.Add($"{duration.Days}d");
        }

        if (duration.Hours > 0)
        {
            parts.Add($"{duration.Hours}h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes}m");
        }

        if (duration.Seconds > 0 || parts.Count == 0)
        {
            parts.Add($"{duration.Seconds}s");
        }

        return string.Join(' ', parts);
    }

    public static string Percent(double? ratio) => ratio is { } value ? (value * 100).ToString("0.000", CultureInfo.InvariantCulture) + "%" : "n/a";

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
