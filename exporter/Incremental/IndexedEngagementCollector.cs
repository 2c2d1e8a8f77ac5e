using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Database;

namespace SaasExporter.Incremental;

/// <summary>The engagement families of <see cref="EngagementCollector"/>, with the same definitions, from the activity index.</summary>
internal sealed class IndexedEngagementCollector(IOptions<ExporterOptions> options, ActivityIndexStore store) : IMetricCollector
{
    private readonly Window[] _windows = [.. options.Value.ActiveWindows!.Select(Window.Parse)];
    private readonly Window _platformWindow = Window.Parse(options.Value.PlatformWindow);

    public string Name => EngagementCollector.CollectorName;

    public IReadOnlyList<MetricFamily> Families { get; } =
        [EngagementCollector.ActiveUsers, EngagementCollector.ActiveDaysUsers, EngagementCollector.PowerUsers, EngagementCollector.PlatformActiveUsers];

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
        var platforms = options.Value.Platforms!;
        var windowStarts = _windows.Select(w => view.WindowStart(w.Length)).ToArray();
        var activeUsers = new long[_windows.Length];
        var activeAccounts = _windows.Select(_ => new HashSet<long>()).ToArray();
        var byDays = new long[31];
        var power = 0L;
        var platformStart = view.WindowStart(_platformWindow.Length);
        var platformUsers = new long[platforms.Length];

        foreach (var (user, account) in users)
        {
            if (!index.TryGetSlot(user, out var slot))
            {
                continue;
            }

            var last = index.Last(slot);
            for (var w = 0; w < _windows.Length; w++)
            {
                if (last > windowStarts[w])
                {
                    activeUsers[w]++;
                    activeAccounts[w].Add(account);
                }
            }

            var days = index.ActiveDays(slot, view.Today - 29, view.Today);
            byDays[days]++;
            power += days >= options.Value.PowerUserMinDays ? 1 : 0;
            for (var p = 0; p < platforms.Length; p++)
            {
                platformUsers[p] += index.PlatformLast(slot, p) > platformStart ? 1 : 0;
            }
        }

        var samples = new List<Sample>();
        for (var w = 0; w < _windows.Length; w++)
        {
            samples.Add(EngagementCollector.ActiveUsers.Sample(activeUsers[w], "user", _windows[w].Label));
            samples.Add(EngagementCollector.ActiveUsers.Sample(activeAccounts[w].Count, "account", _windows[w].Label));
        }

        for (var d = 1; d <= 30; d++)
        {
            samples.Add(EngagementCollector.ActiveDaysUsers.Sample(byDays[d], d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        samples.Add(EngagementCollector.PowerUsers.Sample(power));
        for (var p = 0; p < platforms.Length; p++)
        {
            samples.Add(EngagementCollector.PlatformActiveUsers.Sample(platformUsers[p], platforms[p], _platformWindow.Label));
        }

        return new CollectorResult(samples);
    }
}
