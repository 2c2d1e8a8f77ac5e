using Prometheus;
using SaasExporter.Collectors;

namespace SaasExporter.Publishing;

/// <summary>
/// Owns the metrics of every collector's families and swaps a collector's values in atomically: publishing and
/// exporting the exposition take the same gate, so a scrape never sees half of a poll. Gauge and counter series a poll
/// no longer produces (an undefined quantile, say) are removed, never left at a stale value or set to 0. Histogram
/// samples are observations added to cumulative buckets, so histogram series stay.
/// A publish does its work in time linear in the series count and outside the gate: validation, the difference with
/// the last poll (hash sets, not pairwise comparisons) and the lookup of every series' child; new children are created
/// unpublished, so a scrape cannot see them early. The gate is held only to store the prepared values and drop the
/// stale series, a loop of plain assignments.
/// </summary>
public sealed class MetricPublisher
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IMetricFactory _factory;
    private readonly Dictionary<string, Gauge> _gauges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Histogram> _histograms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PublishedSeries> _published = new(StringComparer.Ordinal);

    public MetricPublisher(CollectorRegistry registry)
    {
        Registry = registry;
        _factory = Metrics.WithCustomRegistry(registry);
    }

    public CollectorRegistry Registry { get; }

    private long _generation;

    /// <summary>Changes whenever a value may have changed (a publish, the end of a poll): a cached exposition of an
    /// older generation is stale.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public void MarkChanged() => Interlocked.Increment(ref _generation);

    public void Register(IMetricCollector collector)
    {
        foreach (var family in collector.Families)
        {
            if (_owners.TryGetValue(family.Name, out var owner))
            {
                throw new InvalidOperationException($"metric {family.Name} of collector {collector.Name} is already owned by collector {owner}");
            }

            _owners[family.Name] = collector.Name;
            var help = ExpositionText.EscapeHelp(family.Help);
            switch (family.Type)
            {
                case MetricType.Counter:
                    _counters[family.Name] = _factory.CreateCounter(family.Name, help, family.LabelNames,
                        new CounterConfiguration { SuppressInitialValue = true });
                    break;
                case MetricType.Histogram:
                    _histograms[family.Name] = _factory.CreateHistogram(family.Name, help, family.LabelNames,
                        new HistogramConfiguration { SuppressInitialValue = true, Buckets = [.. family.Buckets] });
                    break;
                default:
                    _gauges[family.Name] = _factory.CreateGauge(family.Name, help, family.LabelNames,
                        new GaugeConfiguration { SuppressInitialValue = true });
                    break;
            }

            _published[family.Name] = new PublishedSeries();
        }
    }

    /// <summary>Replaces every value of the collector's families with the samples of one poll.</summary>
    public void Publish(IMetricCollector collector, IReadOnlyList<Sample> samples)
    {
        Validate(collector, samples);
        var byFamily = samples.ToLookup(s => s.Family.Name);
        var updates = new List<Action>(samples.Count);
        var published = new List<(PublishedSeries Series, Dictionary<string, string[]> Current)>();
        foreach (var family in collector.Families)
        {
            var fresh = byFamily[family.Name];
            if (family.Type == MetricType.Histogram)
            {
                var histogram = _histograms[family.Name];
                foreach (var sample in fresh)
                {
                    IObserver child = family.LabelNames.Length == 0 ? histogram : histogram.WithLabels(sample.LabelValues);
                    updates.Add(() => child.Observe(sample.Value));
                }

                continue;
            }

            var series = _published[family.Name];
            var current = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var sample in fresh)
            {
                current[Key(sample.LabelValues)] = sample.LabelValues;
                updates.Add(family.Type == MetricType.Counter
                    ? CounterUpdate(_counters[family.Name], family, sample)
                    : GaugeUpdate(_gauges[family.Name], family, sample));
            }

            Collector metric = family.Type == MetricType.Counter ? _counters[family.Name] : _gauges[family.Name];
            foreach (var (key, labelValues) in series.Current)
            {
                if (!current.ContainsKey(key))
                {
                    updates.Add(() => Remove(metric, family, labelValues));
                }
            }

            published.Add((series, current));
        }

        _gate.Wait();
        try
        {
            foreach (var update in updates)
            {
                update();
            }
        }
        finally
        {
            MarkChanged();
            _gate.Release();
        }

        foreach (var (series, current) in published)
        {
            series.Current = current;
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

    /// <summary>
    /// Runs an exposition export only if no publish holds the gate now; false when one does, so a scrape can answer
    /// with the last complete render instead of waiting for the publish to finish.
    /// </summary>
    public async Task<bool> TryExportAsync(Func<Task> export, CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return false;
        }

        try
        {
            await export();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task ExportAsTextAsync(Stream destination, CancellationToken cancellationToken) =>
        ExportAsync(() => Registry.CollectAndExportAsTextAsync(destination, cancellationToken), cancellationToken);

    private static void Remove(Collector metric, MetricFamily family, string[] labelValues)
    {
        switch (metric, family.LabelNames.Length)
        {
            case (Gauge gauge, 0):
                gauge.Unpublish();
                break;
            case (Gauge gauge, _):
                gauge.RemoveLabelled(labelValues);
                break;
            case (Counter counter, 0):
                counter.Unpublish();
                break;
            case (Counter counter, _):
                counter.RemoveLabelled(labelValues);
                break;
        }
    }

    /// <summary>
    /// A counter takes the total the query returned. A lower total than before is a reset (a table truncated, say):
    /// the labelled series is dropped and recreated, which Prometheus reads as a counter reset. An unlabelled counter
    /// cannot be recreated, so it holds its highest value until the total passes it again.
    /// </summary>
    private static Action CounterUpdate(Counter counter, MetricFamily family, Sample sample)
    {
        if (family.LabelNames.Length == 0)
        {
            return () =>
            {
                counter.IncTo(sample.Value);
                counter.Publish();
            };
        }

        var child = counter.WithLabels(sample.LabelValues);
        return () =>
        {
            var target = child;
            if (sample.Value < target.Value)
            {
                counter.RemoveLabelled(sample.LabelValues);
                target = counter.WithLabels(sample.LabelValues);
            }

            target.IncTo(sample.Value);
        };
    }

    private static Action GaugeUpdate(Gauge gauge, MetricFamily family, Sample sample)
    {
        IGauge child = family.LabelNames.Length == 0 ? gauge : gauge.WithLabels(sample.LabelValues);
        return () => child.Set(sample.Value);
    }

    private static string Key(string[] labelValues) => string.Join('\u0000', labelValues);

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

            if (sample.Family.Type == MetricType.Counter && sample.Value < 0)
            {
                throw new InvalidOperationException($"collector {collector.Name} emitted a negative counter {sample}");
            }

            // Histogram samples are observations: many per label set is the point.
            if (sample.Family.Type != MetricType.Histogram && !seen.Add(sample.Family.Name + "\u0000" + Key(sample.LabelValues)))
            {
                throw new InvalidOperationException($"collector {collector.Name} emitted {sample} twice");
            }
        }
    }

    /// <summary>The label sets of a gauge or counter family the last publish produced, keyed by their joined values.</summary>
    private sealed class PublishedSeries
    {
        public Dictionary<string, string[]> Current { get; set; } = new(StringComparer.Ordinal);
    }
}
