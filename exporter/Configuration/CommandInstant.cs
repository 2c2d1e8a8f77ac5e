using System.Globalization;
using SaasExporter.Slo;

namespace SaasExporter.Configuration;

/// <summary>
/// An instant on a command line (<c>backfill --from</c>, <c>slo replay --to</c>): an ISO 8601 instant (UTC unless it
/// has an offset), <c>now</c>, or <c>now-</c> and a duration of the one grammar (<c>now-180d</c>).
/// </summary>
public static class CommandInstant
{
    public static bool TryParse(string text, DateTimeOffset wallClock, out DateTimeOffset instant)
    {
        instant = default;
        if (text == "now")
        {
            instant = wallClock;
            return true;
        }

        if (text.StartsWith("now-", StringComparison.Ordinal))
        {
            var ok = Durations.TryParse(text["now-".Length..], Durations.Prometheus, out var ago);
            instant = wallClock - ago;
            return ok;
        }

        var parsed = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
        instant = instant.ToUniversalTime();
        return parsed;
    }
}
