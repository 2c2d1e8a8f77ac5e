using SaasExporter.Collectors;

namespace SaasExporter.Backfill;

/// <summary>
/// Every sample of a backfill, held by family and series until the last step is computed: OpenMetrics wants each
/// family's samples together and each series' samples in time order, while the steps produce them the other way round.
/// </summary>
internal sealed class BackfillHistory
{
    private readonly Dictionary<string, FamilyHistory> _families = new(StringComparer.Ordinal);
    private readonly List<FamilyHistory> _order = [];

    public int Samples { get; private set; }

    public void Add(DateTimeOffset at, IEnumerable<Sample> samples)
    {
        foreach (var sample in samples)
        {
            if (!_families.TryGetValue(sample.Family.Name, out var family))
            {
                family = new FamilyHistory(sample.Family);
                _families[sample.Family.Name] = family;
                _order.Add(family);
            }

            family.Add(at, sample);
            Samples++;
        }
    }

    /// <summary>Families in the order they first appeared (collector order, then each collector's own order).</summary>
    public IReadOnlyList<FamilyHistory> Families => _order;

    internal sealed class FamilyHistory(MetricFamily family)
    {
        private readonly Dictionary<string, SeriesHistory> _series = new(StringComparer.Ordinal);
        private readonly List<SeriesHistory> _order = [];

        public MetricFamily Family { get; } = family;

        public IReadOnlyList<SeriesHistory> Series => _order;

        public void Add(DateTimeOffset at, Sample sample)
        {
            var key = string.Join('\u0000', sample.LabelValues);
            if (!_series.TryGetValue(key, out var series))
            {
                series = new SeriesHistory(sample.LabelValues);
                _series[key] = series;
                _order.Add(series);
            }

            series.Points.Add((at, sample.Value));
        }
    }

    internal sealed record SeriesHistory(string[] LabelValues)
    {
        /// <summary>In step order, which is time order: steps are computed from the earliest.</summary>
        public List<(DateTimeOffset At, double Value)> Points { get; } = [];
    }
}
