namespace SaasExporter.Slo;

/// <summary>The unit of a calendar-aligned time window (OpenSLO duration 1w, 1M, 1Q or 1Y).</summary>
public enum CalendarUnit
{
    Week,
    Month,
    Quarter,
    Year,
}

/// <summary>The OpenSLO duration and the label text (sloth_window) of a <see cref="CalendarUnit"/>.</summary>
public static class CalendarUnits
{
    /// <summary>The unit of a calendar window of <paramref name="duration"/>, or null when calendar windows do not support it.</summary>
    public static CalendarUnit? FromDuration(string? duration) => duration switch
    {
        "1w" => CalendarUnit.Week,
        "1M" => CalendarUnit.Month,
        "1Q" => CalendarUnit.Quarter,
        "1Y" => CalendarUnit.Year,
        _ => null,
    };

    public static string Text(this CalendarUnit unit) => unit switch
    {
        CalendarUnit.Week => "week",
        CalendarUnit.Month => "month",
        CalendarUnit.Quarter => "quarter",
        CalendarUnit.Year => "year",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };
}
