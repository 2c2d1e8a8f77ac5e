using SaasExporter.Database;
using SaasExporter.Incremental;

namespace SaasExporter.Events.Engagement;

/// <summary><see cref="EngagementDefinition"/>'s counts from the activity index.</summary>
internal sealed class EngagementIndex(EngagementDefinition definition, ActivityIndexStore store) : IEventSource<EngagementCounts>
{
    public Task<EngagementCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        store.ReadWithUsersAsync(now, db, Count, cancellationToken);

    private EngagementCounts Count(IndexView view, List<(long User, long Account)> users)
    {
        var index = view.Index;
        var windowStarts = definition.Windows.Select(w => view.WindowStart(w.Length)).ToArray();
        var activeAccounts = windowStarts.Select(_ => new HashSet<long>()).ToArray();
        var platformStart = view.WindowStart(definition.PlatformWindow.Length);
        var counts = definition.NewCounts();
        foreach (var (user, account) in users)
        {
            if (!index.TryGetSlot(user, out var slot))
            {
                continue;
            }

            var last = index.Last(slot);
            for (var w = 0; w < windowStarts.Length; w++)
            {
                if (last > windowStarts[w])
                {
                    counts.ActiveUsers[w]++;
                    activeAccounts[w].Add(account);
                }
            }

            var days = index.ActiveDays(slot, view.Today - (EngagementDefinition.L30Days - 1), view.Today);
            counts.UsersByActiveDays[days]++;
            counts.PowerUsers += days >= definition.Options.PowerUserMinDays ? 1 : 0;
            for (var p = 0; p < counts.PlatformUsers.Length; p++)
            {
                counts.PlatformUsers[p] += index.PlatformLast(slot, p) > platformStart ? 1 : 0;
            }
        }

        for (var w = 0; w < windowStarts.Length; w++)
        {
            counts.ActiveAccounts[w] = activeAccounts[w].Count;
        }

        return counts;
    }
}
