using Prometheus;
using SaasExporter.Collectors;

namespace SaasExporter.Publishing;

/// <summary>
/// Owns the gauges of every collector's families and swaps a collector's values in atomically: publishing and
/// exporting the exposition take the same gate, so a scrape never sees half of a poll. Series a poll no longer
/// produces (an undefined quantile, say) are removed, never left at a stale value or set to 0.
/// </summary>
public sealed class MetricPublisher
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IMetricFactory _factory;
    private readonly Dictionary<string, Gauge> _gauges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string[]>> _published = new(StringComparer.Ordinal);

    public MetricPublisher(CollectorRegistry registry)
    {
        Registry = registry;
        _factory = Metrics.WithCustomRegistry(registry);
    }

    public CollectorRegistry Registry { get; }

    public void Register(IMetricCollector collector)
    {
        foreach (var family in collector.Families)
        {
            if (_owners.TryGetValue(family.Name, out var owner))
            {
                throw new InvalidOperationException($"metric {family.Name} of collector {collector.Name} is already owned by collector {owner}");
            }

            _owners[family.Name] = collector.Name;
            _gauges[family.Name] = _factory.CreateGauge(family.Name, family.Help, family.LabelNames,
                new GaugeConfiguration { SuppressInitialValue = true });
            _published[family.Name] = [];
        }
    }

    /// <summary>Replaces every value of the collector's families with the samples of one poll.</summary>
    public void Publish(IMetricCollector collector, IReadOnlyList<Sample> samples)
    {
        Validate(collector, samples);
        var byFamily = samples.ToLookup(s => s.Family.Name);

        _gate.Wait();
        try
        {
            foreach (var family in collector.Families)
            {
                var gauge = _gauges[family.Name];
                var fresh = byFamily[family.Name].ToList();
                foreach (var stale in _published[family.Name].Where(old => !fresh.Any(s => s.LabelValues.SequenceEqual(old))))
                {
                    if (family.LabelNames.Length == 0)
                    {
                        gauge.Unpublish();
                    }
                    else
                    {
                        gauge.RemoveLabelled(stale);
                    }
                }

                foreach (var sample in fresh)
                {
                    if (family.LabelNames.Length == 0)
                    {
                        gauge.Set(sample.Value);
                    }
                    else
                    {
                        gauge.WithLabels(sample.LabelValues).Set(sample.Value);
                    }
                }

                _published[family.Name] = [.. fresh.Select(s => s.LabelValues)];
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs an exposition export while no publish is in progress.</summary>
    public async Task ExportAsync(Func<Task> export, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await export();
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task ExportAsTextAsync(Stream destination, CancellationToken cancellationToken) =>
        ExportAsync(() => Registry.CollectAndExportAsTextAsync(destination, cancellationToken), cancellationToken);

    private void Validate(IMetricCollector collector, IReadOnlyList<Sample> samples)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            if (!_owners.TryGetValue(sample.Family.Name, out var owner) || owner != collector.Name)
            {
                throw new InvalidOperationException($"collector {collector.Name} emitted {sample.Family.Name}, which it does not own");
            }

            if (sample.LabelValues.Length != sample.Family.LabelNames.Length)
            {
                throw new InvalidOperationException($"collector {collector.Name} emitted {sample} with the wrong number of labels");
            }

            if (double.IsNaN(sample.Value))
            {
                throw new InvalidOperationException($"collector {collector.Name} emitted NaN for {sample}");
            }

            if (!seen.Add(sample.Family.Name + "\u0000" + string.Join('\u0000', sample.LabelValues)))
            {
                throw new InvalidOperationException($"collector {collector.Name} emitted {sample} twice");
            }
        }
    }
}
