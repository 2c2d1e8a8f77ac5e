using SaasExporter.Collectors;
using SaasExporter.Database;
using SaasExporter.Incremental;

namespace SaasExporter.Events.Sessions;

/// <summary>
/// <see cref="SessionDefinition"/>'s quantiles from the instants the activity index holds for the session window
/// (ActivityIndex.Instants.cs): each counted user's distinct instants in (now - window, now], ascending, split where a
/// gap reaches SessionGap.
/// </summary>
internal sealed class SessionIndex(SessionDefinition definition, ActivityIndexStore store) : IEventSource<SessionCounts>
{
    private const double TicksPerSecond = TimeSpan.TicksPerSecond;

    public Task<SessionCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        store.ReadWithUsersAsync(now, db, Count, cancellationToken);

    private SessionCounts Count(IndexView view, List<(long User, long Account)> users)
    {
        var start = view.WindowStart(definition.Window.Length);
        var gap = definition.Gap.Ticks;
        var perUser = new List<double>();
        var durations = new List<double>();
        foreach (var (user, _) in users)
        {
            if (!view.Index.TryGetSlot(user, out var slot))
            {
                continue;
            }

            var sessions = 0;
            long first = 0, last = 0;
            foreach (var instant in view.Index.Instants(slot))
            {
                if (instant <= start || instant > view.NowTicks)
                {
                    continue;
                }

                if (sessions > 0 && instant - last < gap)
                {
                    last = instant;
                    continue;
                }

                if (sessions > 0)
                {
                    durations.Add((last - first) / TicksPerSecond);
                }

                (first, last) = (instant, instant);
                sessions++;
            }

            if (sessions > 0)
            {
                durations.Add((last - first) / TicksPerSecond);
                perUser.Add(sessions);
            }
        }

        return new SessionCounts(ContinuousPercentile.Of(perUser, Quantiles.MedianAndP90), ContinuousPercentile.Of(durations, Quantiles.MedianAndP90));
    }
}
