using SaasExporter.Database;
using SaasExporter.Incremental;

namespace SaasExporter.Events.Retention;

/// <summary><see cref="RetentionDefinition"/>'s counts from the signups (read at every poll) and the activity index's day bitmaps.</summary>
internal sealed class RetentionIndex(RetentionDefinition definition, ActivityIndexStore store) : IEventSource<RetentionCounts>
{
    private const string SignupDaysSql = $"SELECT user_id, (d0 - DATE '2000-01-01') AS d0 FROM ({RetentionSql.Signups}) s";

    public Task<RetentionCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        store.ReadAsync(now, db, async view =>
        {
            var signups = new List<(long User, int Day)>();
            await db.StreamAsync(SignupDaysSql,
                new { now = view.Now, signup_history = RetentionDefinition.SignupHistory, tz = definition.Options.ReportingTimeZone },
                row => signups.Add((row.GetInt64(0), row.GetInt32(1))), cancellationToken);
            return Count(view, signups);
        }, cancellationToken);

    private static RetentionCounts Count(IndexView view, List<(long User, int Day)> signups)
    {
        var index = view.Index;
        var counts = RetentionDefinition.NewCounts(view.Today);
        bool ActiveIn(long user, int from, int to) => index.TryGetSlot(user, out var slot) && index.ActiveDays(slot, from, to) > 0;

        for (var r = 0; r < RetentionDefinition.Definitions.Count; r++)
        {
            var (_, _, first, last) = RetentionDefinition.Definitions[r];
            var (from, to) = RetentionDefinition.CohortSignupDays(view.Today, r);
            foreach (var (user, d0) in signups.Where(s => s.Day >= from && s.Day <= to))
            {
                counts.Cohort[r]++;
                counts.Retained[r] += ActiveIn(user, d0 + first, d0 + last) ? 1 : 0;
            }
        }

        for (var k = 0; k < RetentionDefinition.Weeks; k++)
        {
            var monday = RetentionDefinition.CohortMonday(view.Today, k);
            var members = signups.Where(s => s.Day >= monday && s.Day < monday + 7).ToList();
            counts.WeeklyCohort[k] = members.Count;
            for (var week = 0; week < RetentionDefinition.Weeks && RetentionDefinition.WeekEnded(view.Today, monday, week); week++)
            {
                var from = monday + (7 * week);
                counts.WeeklyRetained[k, week] = members.Count(m => ActiveIn(m.User, from, from + 6));
            }
        }

        return counts;
    }
}
