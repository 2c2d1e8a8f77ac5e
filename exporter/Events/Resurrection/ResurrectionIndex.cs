using SaasExporter.Database;
using SaasExporter.Incremental;

namespace SaasExporter.Events.Resurrection;

/// <summary><see cref="ResurrectionDefinition"/>'s counts from the activity index (see <see cref="ActivityIndex.Dormancy"/>).</summary>
internal sealed class ResurrectionIndex(ActivityIndexStore store) : IEventSource<ResurrectionCounts>
{
    public Task<ResurrectionCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        store.ReadWithUsersAsync(now, db, Count, cancellationToken);

    private static ResurrectionCounts Count(IndexView view, List<(long User, long Account)> users)
    {
        var index = view.Index;
        var window = ResurrectionDefinition.DormancyWindow.Length;
        var a = view.WindowStart(2 * window);
        var b = view.WindowStart(window);
        var counts = new ResurrectionCounts();
        foreach (var (user, _) in users)
        {
            if (!index.TryGetSlot(user, out var slot))
            {
                continue;
            }

            var (isDormant, isResurrected) = index.Dormancy(slot, a, b);
            counts.Dormant += isDormant ? 1 : 0;
            counts.Resurrected += isResurrected ? 1 : 0;
        }

        return counts;
    }
}
