using System.Data;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Events;
using SaasExporter.Events.Resurrection;

namespace SaasExporter.Incremental;

/// <summary>
/// Fills an <see cref="ActivityIndex"/> from the events relation: a first load (per-user first and last instant of the
/// old history, then the recent history grouped by user, day, platform and feature), and catch-up reads of the same
/// grouped shape for the rows after the watermark minus the lateness allowance. Internal users and accounts are not
/// filtered here: their flags can change, so collectors apply them at every poll. Events after @now are never read.
/// </summary>
internal static class IndexLoader
{
    private const string OldHistorySql = """
        SELECT user_id, min(occurred_at) AS earliest, max(occurred_at) AS latest
        FROM events
        WHERE occurred_at <= @cutoff AND name <> ALL(@excluded)
        GROUP BY user_id
        """;

    private const string RecentSql = """
        SELECT user_id,
               ((occurred_at AT TIME ZONE @tz)::date - DATE '2000-01-01') AS day,
               coalesce(array_position(@platforms, platform), 0) - 1 AS platform,
               coalesce(array_position(@features, feature), 0) - 1 AS feature,
               min(occurred_at) AS earliest, max(occurred_at) AS latest
        FROM events
        WHERE occurred_at > @after AND occurred_at <= @now AND name <> ALL(@excluded)
        GROUP BY 1, 2, 3, 4
        """;

    private const string TodaySql = "SELECT ((@now AT TIME ZONE @tz)::date - DATE '2000-01-01') AS today";

    /// <summary>Calendar day (days since 2000-01-01) containing <paramref name="now"/> in the reporting time zone.</summary>
    public static async Task<int> TodayAsync(IDbSession db, DateTimeOffset now, string tz, CancellationToken cancellationToken) =>
        (await db.QueryAsync<int>(TodaySql, new { now, tz }, cancellationToken)).Single();

    /// <summary>
    /// How far back the grouped history reaches: the longest history any event family's index computation reads
    /// (<see cref="EventFamily.IndexHistory"/>), and a day more.
    /// </summary>
    public static TimeSpan DetailedHistory(ExporterOptions options, IEnumerable<EventFamily> families) =>
        families.Select(f => f.IndexHistory(options)).Max() + TimeSpan.FromDays(1);

    public static async Task<ActivityIndex> LoadAsync(
        IDbSession db, DateTimeOffset now, ExporterOptions options, IEnumerable<EventFamily> families, CancellationToken cancellationToken)
    {
        var today = await TodayAsync(db, now, options.ReportingTimeZone, cancellationToken);
        var index = new ActivityIndex(options.Platforms!.Length, options.Features!.Length, ResurrectionDefinition.DormancyWindow.Length, today, now);
        var cutoff = now - DetailedHistory(options, families);
        await db.StreamAsync(OldHistorySql, new { cutoff, excluded = options.ExcludedEvents }, row =>
            index.Add(row.GetInt64(0), Ticks(row, 1), Ticks(row, 2), null, -1, -1), cancellationToken);
        await ReadRecentAsync(db, index, cutoff, now, options, cancellationToken);
        return index;
    }

    /// <summary>Reads the events in (watermark - lateness, now] into the index and moves the watermark to now.</summary>
    public static async Task CatchUpAsync(IDbSession db, ActivityIndex index, DateTimeOffset now, ExporterOptions options, CancellationToken cancellationToken)
    {
        await ReadRecentAsync(db, index, index.Watermark - options.EventMetrics.Lateness, now, options, cancellationToken);
        index.Watermark = now;
    }

    private static Task ReadRecentAsync(IDbSession db, ActivityIndex index, DateTimeOffset after, DateTimeOffset now, ExporterOptions options, CancellationToken cancellationToken) =>
        db.StreamAsync(RecentSql, new
        {
            after,
            now,
            tz = options.ReportingTimeZone,
            excluded = options.ExcludedEvents,
            platforms = options.Platforms,
            features = options.Features,
        }, row => index.Add(row.GetInt64(0), Ticks(row, 4), Ticks(row, 5), row.GetInt32(1), row.GetInt32(2), row.GetInt32(3)), cancellationToken);

    private static long Ticks(IDataRecord row, int ordinal) => row.GetDateTime(ordinal).Ticks;
}
