namespace SaasExporter.Slo.Replay;

/// <summary>
/// One calendar month in UTC (the only time zone of the rules' calendar windows, see RuleWriter), clipped to the
/// replayed range [<see cref="From"/>, <see cref="To"/>); <see cref="Partial"/> when the range does not cover it all.
/// </summary>
public sealed record ReplayMonth(string Name, DateTimeOffset From, DateTimeOffset To, bool Partial)
{
    public static IReadOnlyList<ReplayMonth> Between(DateTimeOffset from, DateTimeOffset to)
    {
        var months = new List<ReplayMonth>();
        var start = new DateTimeOffset(from.UtcDateTime.Year, from.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        while (start < to)
        {
            var next = start.AddMonths(1);
            var clippedFrom = start < from ? from : start;
            var clippedTo = next > to ? to : next;
            months.Add(new ReplayMonth(start.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), clippedFrom, clippedTo, clippedFrom != start || clippedTo != next));
            start = next;
        }

        return months;
    }

    public bool Contains(DateTimeOffset at) => at >= From && at < To;
}
