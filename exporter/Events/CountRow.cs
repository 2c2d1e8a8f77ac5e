namespace SaasExporter.Events;

/// <summary>
/// A row of an event family's SQL: which count, its position (0-based ordinality of the parameter arrays the SQL
/// received: window, platform, feature, definition, cohort) and a second position where a count has two, and the count.
/// </summary>
internal sealed class CountRow
{
    public string Family { get; init; } = "";

    public int I { get; init; }

    public int J { get; init; }

    public long Value { get; init; }

    public static InvalidOperationException Unexpected(CountRow row) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"unexpected row family '{row.Family}'"));
}
