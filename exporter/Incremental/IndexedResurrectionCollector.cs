using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Incremental;

/// <summary>
/// The dormancy families of <see cref="ResurrectionCollector"/> from the activity index (see <see cref="ActivityIndex.Dormancy"/>).
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

            var (isDormant, isResurrected) = index.Dormancy(slot, a, b);
            dormant += isDormant ? 1 : 0;
            resurrected += isResurrected ? 1 : 0;
        }

        return new CollectorResult(
        [
            ResurrectionCollector.DormantUsers.Sample(dormant, Window.Label),
            ResurrectionCollector.ResurrectedUsers.Sample(resurrected, Window.Label),
        ]);
    }
}
