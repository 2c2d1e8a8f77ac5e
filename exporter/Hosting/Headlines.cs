using SaasExporter.Collectors;
using SaasExporter.Polling;
using SaasExporter.Publishing;

namespace SaasExporter.Hosting;

/// <summary>
/// DAU, MAU, activation rate and MRR read from what is published (docs/metrics.md), with the evaluation instant of
/// the poll that published each: the landing page never queries the database.
/// </summary>
internal static class Headlines
{
    private const string ActiveUsers = "saas_active_users";
    private const string CohortUsers = "saas_activation_cohort_users";
    private const string ActivatedUsers = "saas_activation_activated_users";
    private const string Mrr = "saas_mrr";

    private static readonly HashSet<string> Families = new([ActiveUsers, CohortUsers, ActivatedUsers, Mrr], StringComparer.Ordinal);

    public static async Task<IReadOnlyList<HeadlineNumber>> ReadAsync(MetricPublisher publisher, CollectorStatusBoard board,
        IEnumerable<IMetricCollector> collectors, CancellationToken cancellationToken)
    {
        var samples = await PublishedSamples.ReadAsync(publisher, Families, cancellationToken);
        return From(samples, board.All, collectors);
    }

    internal static IReadOnlyList<HeadlineNumber> From(IReadOnlyList<PublishedSample> samples, IReadOnlyList<CollectorStatus> statuses,
        IEnumerable<IMetricCollector> collectors)
    {
        var owners = collectors.SelectMany(c => c.Families.Select(f => (Family: f.Name, Collector: c.Name)))
            .ToDictionary(o => o.Family, o => o.Collector, StringComparer.Ordinal);
        var byName = statuses.ToDictionary(s => s.Collector, StringComparer.Ordinal);

        HeadlineNumber Number(string name, string definition, HeadlineFormat format, string family, Func<double?> value, string whyAbsent)
        {
            if (!owners.TryGetValue(family, out var collector) || !byName.TryGetValue(collector, out var status))
            {
                return new HeadlineNumber(name, definition, format, null, $"not served: no collector publishes {family}", null, null);
            }

            var missing = status switch
            {
                { Enabled: false } => $"not served: collector {collector} is disabled",
                { LastSuccess: null } => $"loading: collector {collector} has not completed a poll yet",
                _ => null,
            };
            var number = missing is null ? value() : null;
            return new HeadlineNumber(name, definition, format, number, missing ?? (number is null ? whyAbsent : null), collector,
                missing is null ? status.EvaluatedAt : null);
        }

        double? Active(string window) =>
            samples.FirstOrDefault(s => s.Family == ActiveUsers && s.Has("entity", "user") && s.Has("window", window))?.Value;

        double? Unlabelled(string family) => samples.FirstOrDefault(s => s.Family == family)?.Value;

        return
        [
            Number("DAU", "saas_active_users{entity=\"user\",window=\"1d\"}", HeadlineFormat.Count, ActiveUsers,
                () => Active("1d"), "not served: ActiveWindows has no 1d window"),
            Number("MAU", "saas_active_users{entity=\"user\",window=\"30d\"}", HeadlineFormat.Count, ActiveUsers,
                () => Active("30d"), "not served: ActiveWindows has no 30d window"),
            Number("Activation rate", "saas_activation_activated_users / saas_activation_cohort_users", HeadlineFormat.Percent, CohortUsers,
                () => Unlabelled(CohortUsers) is double cohort and > 0 && Unlabelled(ActivatedUsers) is double activated ? activated / cohort : null,
                "undefined: no users in the activation cohort"),
            // A successful revenue poll with no current paid row publishes no saas_mrr series: the total is then 0.
            Number("MRR", "sum(saas_mrr)", HeadlineFormat.Money, Mrr,
                () => samples.Where(s => s.Family == Mrr).Sum(s => s.Value), ""),
        ];
    }
}
