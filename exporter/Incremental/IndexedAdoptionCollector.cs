using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Database;

namespace SaasExporter.Incremental;

/// <summary>The adoption families of <see cref="AdoptionCollector"/>, with the same definitions, from the activity index.</summary>
internal sealed class IndexedAdoptionCollector(IOptions<ExporterOptions> options, ActivityIndexStore store) : IMetricCollector
{
    private static readonly string[] BreadthLabels = ["0", "1", "2", "3", "4", "5+"];

    private readonly Window[] _windows = [.. options.Value.FeatureWindows!.Select(Window.Parse)];
    private readonly Window _breadthWindow = Window.Parse(options.Value.FeaturesUsedWindow);

    public string Name => AdoptionCollector.CollectorName;

    public IReadOnlyList<MetricFamily> Families { get; } = [AdoptionCollector.FeatureActiveUsers, AdoptionCollector.FeaturesUsedUsers];

    public IReadOnlyList<string> Relations { get; } = ["events", "users", "accounts"];

    public Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        store.ReadAsync(now, db, async view =>
        {
            var users = await UserDirectory.CountedAsync(db, cancellationToken);
            return Compute(view, users);
        }, cancellationToken);

    private CollectorResult Compute(IndexView view, List<(long User, long Account)> users)
    {
        var index = view.Index;
        var features = options.Value.Features!;
        var windowStarts = _windows.Select(w => view.WindowStart(w.Length)).ToArray();
        var featureUsers = new long[features.Length, _windows.Length];
        var breadthStart = view.WindowStart(_breadthWindow.Length);
        var breadth = new long[BreadthLabels.Length];

        foreach (var (user, _) in users)
        {
            if (!index.TryGetSlot(user, out var slot))
            {
                continue;
            }

            var used = 0;
            for (var f = 0; f < features.Length; f++)
            {
                var last = index.FeatureLast(slot, f);
                for (var w = 0; w < _windows.Length; w++)
                {
                    featureUsers[f, w] += last > windowStarts[w] ? 1 : 0;
                }

                used += last > breadthStart ? 1 : 0;
            }

            // Breadth counts every user active in its window, including those who used no configured feature.
            if (index.Last(slot) > breadthStart)
            {
                breadth[Math.Min(used, 5)]++;
            }
        }

        var samples = new List<Sample>();
        for (var f = 0; f < features.Length; f++)
        {
            for (var w = 0; w < _windows.Length; w++)
            {
                samples.Add(AdoptionCollector.FeatureActiveUsers.Sample(featureUsers[f, w], features[f], _windows[w].Label));
            }
        }

        for (var b = 0; b < BreadthLabels.Length; b++)
        {
            samples.Add(AdoptionCollector.FeaturesUsedUsers.Sample(breadth[b], BreadthLabels[b], _breadthWindow.Label));
        }

        return new CollectorResult(samples);
    }
}
