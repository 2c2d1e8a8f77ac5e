using System.Data;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Events;
using SaasExporter.Events.Resurrection;

namespace SaasExporter.Incremental;

/// <summary>
/// Fills an <see cref="ActivityIndex"/> from the events relation. A full load is planned in one statement (today and the
/// oldest event) and then read oldest first in chunks of event time (<see cref="LoadChunk"/>), each its own statement:
/// per-user first and last instant of the old history, then the recent history grouped by user, day, platform and
/// feature; the chunks that reach into the session window are read row by row instead, because session formation
/// needs every instant (<see cref="ActivityIndex.Instants"/>). A catch-up reads the rows after the watermark minus the
/// lateness allowance row by row, in one statement, once per evaluation instant.
/// Internal users and accounts are not filtered here: their flags can change, so collectors apply them at every poll.
/// Events without a user are: they never join a user in the SQL source either (docs/contract.md).
/// Events after @now are never read. Every bound is a parameter.
/// </summary>
internal static class IndexLoader
{
    internal const string OldestSql = "SELECT min(occurred_at) FROM events WHERE occurred_at <= @now";

    private const string OldHistorySql = """
        SELECT user_id, min(occurred_at) AS earliest, max(occurred_at) AS latest
        FROM events
        WHERE occurred_at > @after AND occurred_at <= @until AND name <> ALL(@excluded) AND user_id IS NOT NULL
        GROUP BY user_id
        """;

    private const string RecentSql = """
        SELECT user_id,
               ((occurred_at AT TIME ZONE @tz)::date - DATE '2000-01-01') AS day,
               coalesce(array_position(@platforms, platform), 0) - 1 AS platform,
               coalesce(array_position(@features, feature), 0) - 1 AS feature,
               min(occurred_at) AS earliest, max(occurred_at) AS latest
        FROM events
        WHERE occurred_at > @after AND occurred_at <= @now AND name <> ALL(@excluded) AND user_id IS NOT NULL
        GROUP BY 1, 2, 3, 4
        """;

    // Every row, not groups: session formation needs each instant of the session window (one statement feeds both).
    private const string RowsSql = """
        SELECT user_id,
               ((occurred_at AT TIME ZONE @tz)::date - DATE '2000-01-01') AS day,
               coalesce(array_position(@platforms, platform), 0) - 1 AS platform,
               coalesce(array_position(@features, feature), 0) - 1 AS feature,
               occurred_at
        FROM events
        WHERE occurred_at > @after AND occurred_at <= @now AND name <> ALL(@excluded) AND user_id IS NOT NULL
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

    /// <summary>An empty index as of <paramref name="now"/> and the chunks that fill it, oldest first.</summary>
    public static async Task<IndexLoad> PlanAsync(
        IDbSession db, DateTimeOffset now, ExporterOptions options, IEnumerable<EventFamily> families, CancellationToken cancellationToken)
    {
        var today = await TodayAsync(db, now, options.ReportingTimeZone, cancellationToken);
        DateTimeOffset? oldest = null;
        await db.StreamAsync(OldestSql, new { now }, row => oldest = row.IsDBNull(0) ? null : new DateTimeOffset(row.GetDateTime(0).Ticks, TimeSpan.Zero), cancellationToken);
        var index = new ActivityIndex(options.Platforms!.Length, options.Features!.Length, ResurrectionDefinition.DormancyWindow.Length, today, now);
        var chunks = LoadChunk.Plan(oldest, now - DetailedHistory(options, families), now, options.EventMetrics.LoadChunkSpan);
        return new IndexLoad(index, chunks, now);
    }

    /// <summary>Reads one chunk of a full load as of <paramref name="now"/> into the index; returns the rows read.</summary>
    public static async Task<long> ReadChunkAsync(
        IDbSession db, ActivityIndex index, LoadChunk chunk, DateTimeOffset now, ExporterOptions options, CancellationToken cancellationToken)
    {
        if (chunk.Detailed)
        {
            var sessionStart = now - options.SessionWindow.Length;
            return chunk.Until > sessionStart
                ? await ReadRowsAsync(db, index, chunk.After, chunk.Until, sessionStart, options, cancellationToken)
                : await ReadRecentAsync(db, index, chunk.After, chunk.Until, options, cancellationToken);
        }

        var old = 0L;
        await db.StreamAsync(OldHistorySql, new { after = chunk.After, until = chunk.Until, excluded = options.ExcludedEvents }, row =>
        {
            index.Add(row.GetInt64(0), Ticks(row, 1), Ticks(row, 2), null, -1, -1);
            old++;
        }, cancellationToken);
        return old;
    }

    /// <summary>
    /// Reads the events in (watermark - lateness, now] into the index, moves the watermark to now and forgets the
    /// instants before the session window. At the watermark itself there is nothing to read: the polls of one instant
    /// read the new rows once, and a row inserted late meanwhile is read by the next poll's lateness allowance.
    /// </summary>
    public static async Task CatchUpAsync(IDbSession db, ActivityIndex index, DateTimeOffset now, ExporterOptions options, CancellationToken cancellationToken)
    {
        if (now <= index.Watermark)
        {
            return;
        }

        var sessionStart = now - options.SessionWindow.Length;
        await ReadRowsAsync(db, index, index.Watermark - options.EventMetrics.Lateness, now, sessionStart, options, cancellationToken);
        index.Watermark = now;
        index.DropInstantsUpTo(sessionStart.UtcTicks);
    }

    /// <summary>Reads the rows in (after, until] one by one, keeping the instants after <paramref name="sessionStart"/>.</summary>
    private static async Task<long> ReadRowsAsync(
        IDbSession db, ActivityIndex index, DateTimeOffset after, DateTimeOffset until, DateTimeOffset sessionStart, ExporterOptions options,
        CancellationToken cancellationToken)
    {
        var rows = 0L;
        var keepAfter = sessionStart.UtcTicks;
        await db.StreamAsync(RowsSql, new
        {
            after,
            now = until,
            tz = options.ReportingTimeZone,
            excluded = options.ExcludedEvents,
            platforms = options.Platforms,
            features = options.Features,
        }, row =>
        {
            var user = row.GetInt64(0);
            var at = Ticks(row, 4);
            index.Add(user, at, at, row.GetInt32(1), row.GetInt32(2), row.GetInt32(3));
            if (at > keepAfter)
            {
                index.AddInstant(user, at);
            }

            rows++;
        }, cancellationToken);
        return rows;
    }

    private static async Task<long> ReadRecentAsync(
        IDbSession db, ActivityIndex index, DateTimeOffset after, DateTimeOffset now, ExporterOptions options, CancellationToken cancellationToken)
    {
        var rows = 0L;
        await db.StreamAsync(RecentSql, new
        {
            after,
            now,
            tz = options.ReportingTimeZone,
            excluded = options.ExcludedEvents,
            platforms = options.Platforms,
            features = options.Features,
        }, row =>
        {
            index.Add(row.GetInt64(0), Ticks(row, 4), Ticks(row, 5), row.GetInt32(1), row.GetInt32(2), row.GetInt32(3));
            rows++;
        }, cancellationToken);
        return rows;
    }

    private static long Ticks(IDataRecord row, int ordinal) => row.GetDateTime(ordinal).Ticks;
}
