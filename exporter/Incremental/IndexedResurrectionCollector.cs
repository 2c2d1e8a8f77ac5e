using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Incremental;

/// <summary>
/// The dormancy families of <see cref="ResurrectionCollector"/> from the activity index. A user was dormant at the
/// window start when they had an event at or before A = now-2W and none in (A, B = now-W]: either their last event is
/// at or before A, or their latest long gap (two consecutive events more than W apart) starts at or before A and ends
/// after B. The second kind are active again in (B, now]: resurrected.
/// </summary>
internal sealed class IndexedResurrectionCollector(ActivityIndexStore store) : IMetricCollector
{
    private static readonly Configuration.Window Window = ResurrectionCollector.DormancyWindow;

    public string Name => ResurrectionCollector.CollectorName;

    public IReadOnlyList<MetricFamily> Families { get; } = [ResurrectionCollector.DormantUsers, ResurrectionCollector.ResurrectedUsers];

    public IReadOnlyList<string> Relations { get; } = ["events", "users", "accounts"];

    public Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        store.ReadAsync(now, db, async view =>
        {
            var users = await UserDirectory.CountedAsync(db, cancellationToken);
            return Compute(view, users);
        }, cancellationToken);

    private static CollectorResult Compute(IndexView view, List<(long User, long Account)> users)
    {
        var index = view.Index;
        var a = view.WindowStart(2 * Window.Length);
        var b = view.WindowStart(Window.Length);
        long dormant = 0, resurrected = 0;
        foreach (var (user, _) in users)
        {
            if (!index.TryGetSlot(user, out var slot))
            {
                continue;
            }

            var last = index.Last(slot);
            if (last <= a)
            {
                dormant++;
            }
            else if (index.HasGap(slot) && index.GapStart(slot) <= a && index.GapEnd(slot) > b)
            {
                dormant++;
                resurrected++;
            }
        }

        return new CollectorResult(
        [
            ResurrectionCollector.DormantUsers.Sample(dormant, Window.Label),
            ResurrectionCollector.ResurrectedUsers.Sample(resurrected, Window.Label),
        ]);
    }
}
