using SaasExporter.Database;
using SaasExporter.Incremental;

namespace SaasExporter.Events.Adoption;

/// <summary><see cref="AdoptionDefinition"/>'s counts from the activity index.</summary>
internal sealed class AdoptionIndex(AdoptionDefinition definition, ActivityIndexStore store) : IEventSource<AdoptionCounts>
{
    public Task<AdoptionCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        store.ReadWithUsersAsync(now, db, Count, cancellationToken);

    private AdoptionCounts Count(IndexView view, List<(long User, long Account)> users)
    {
        var index = view.Index;
        var features = definition.Features.Length;
        var windowStarts = definition.Windows.Select(w => view.WindowStart(w.Length)).ToArray();
        var breadthStart = view.WindowStart(definition.BreadthWindow.Length);
        var counts = definition.NewCounts();
        foreach (var (user, _) in users)
        {
            if (!index.TryGetSlot(user, out var slot))
            {
                continue;
            }

            var used = 0;
            for (var f = 0; f < features; f++)
            {
                var last = index.FeatureLast(slot, f);
                for (var w = 0; w < windowStarts.Length; w++)
                {
                    counts.FeatureUsers[f, w] += last > windowStarts[w] ? 1 : 0;
                }

                used += last > breadthStart ? 1 : 0;
            }

            // Breadth counts every user active in its window, including those who used no configured feature.
            if (index.Last(slot) > breadthStart)
            {
                counts.Breadth[AdoptionDefinition.BreadthBucket(used)]++;
            }
        }

        return counts;
    }
}
