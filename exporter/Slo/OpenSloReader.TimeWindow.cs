using System.Globalization;
using SaasExporter.Files;

namespace SaasExporter.Slo;

/// <summary>OpenSLO an SLO's timeWindow: rolling or calendar-aligned (UTC).</summary>
public sealed partial class OpenSloReader
{
    private (TimeSpan? Period, string? Text, CalendarWindow? Calendar) ReadTimeWindow(YamlFields spec)
    {
        var windows = spec.List("timeWindow", required: true);
        if (windows is null)
        {
            return (null, null, null);
        }

        if (windows.Count != 1)
        {
            spec.Error("timeWindow", $"must have exactly one item, got {windows.Count}");
            return (null, null, null);
        }

        var window = YamlFields.Of(windows[0], spec.PathOf("timeWindow[0]"), spec.Report);
        if (window is null)
        {
            return (null, null, null);
        }

        var text = window.String("duration", required: true);
        var period = text is null ? null : window.Duration("duration", Durations.OpenSlo, DurationShorthand);

        var rolling = window.Bool("isRolling");
        var calendarFields = window.Map("calendar");
        CalendarWindow? calendar = null;
        if (rolling is null)
        {
            window.Error("isRolling", "is required");
        }
        else if (rolling.Value && calendarFields is not null)
        {
            window.Error("calendar", "not allowed when isRolling is true");
        }
        else if (!rolling.Value && calendarFields is null)
        {
            window.Error("calendar", "required when isRolling is false");
        }
        else if (calendarFields is not null)
        {
            calendar = ReadCalendar(calendarFields, text);
        }

        calendarFields?.RejectUnknown();
        window.RejectUnknown();
        return (period, text, calendar);
    }

    private static CalendarWindow? ReadCalendar(YamlFields calendar, string? duration)
    {
        var start = calendar.String("startTime", required: true);
        var zone = calendar.String("timeZone", required: true);
        if (zone is not null && zone is not ("UTC" or "Etc/UTC"))
        {
            calendar.Error("timeZone", $"'{zone}' is not supported: calendar windows are computed in UTC");
        }

        var unit = CalendarUnits.FromDuration(duration);
        if (duration is not null && unit is null)
        {
            calendar.Error("startTime", $"calendar windows support durations 1w, 1M, 1Q and 1Y, not '{duration}'");
        }

        if (start is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParseExact(start, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            calendar.Error("startTime", $"'{start}' must look like 2006-01-02 15:04:05");
            return null;
        }

        if (instant.TimeOfDay != TimeSpan.Zero || (unit is not CalendarUnit.Week && instant.Day != 1)
            || (unit is CalendarUnit.Quarter && (instant.Month - 1) % 3 != 0) || (unit is CalendarUnit.Year && instant.Month != 1))
        {
            calendar.Error("startTime", $"'{start}' must be midnight at the start of a {unit?.Text() ?? "period"}");
            return null;
        }

        return unit is null ? null : new CalendarWindow(unit.Value, instant);
    }
}
