namespace SaasExporter.Catalogue;

/// <summary>
/// What a Prometheus loaded with the given rule files and scraping this exporter can hold: the exporter's
/// <see cref="ExporterCatalogue"/>, the outputs of the recording rules, and Prometheus' and Alertmanager's own series
/// (<c>up</c>, <c>ALERTS</c>, <c>scrape_*</c>, <c>prometheus_*</c>, <c>alertmanager_*</c>). Use it to reject a selector
/// (an SLI query, a rule, a panel) that can never select anything.
/// </summary>
public sealed class SelectorChecker
{
    private static readonly string[] OwnPrefixes = ["prometheus_", "alertmanager_", "scrape_"];
    private static readonly HashSet<string> OwnSeries = new(StringComparer.Ordinal) { "up", "ALERTS", "ALERTS_FOR_STATE" };

    private readonly ExporterCatalogue _catalogue;
    private readonly Dictionary<string, List<PrometheusRule>> _recorded;
    private readonly Dictionary<PrometheusRule, string?> _deadReasons = [];

    public SelectorChecker(ExporterCatalogue catalogue, IEnumerable<PrometheusRule> rules)
    {
        _catalogue = catalogue;
        Rules = [.. rules];
        _recorded = Rules.Where(r => r.Record is not null).GroupBy(r => r.Record!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>The rules of the files, in order.</summary>
    public IReadOnlyList<PrometheusRule> Rules { get; }

    public static SelectorChecker Load(ExporterCatalogue catalogue, IEnumerable<string> ruleFiles) =>
        new(catalogue, ruleFiles.SelectMany(PrometheusRule.Load));

    /// <summary>Whether a recording rule's output of this name exists (its labels may still not match).</summary>
    public bool IsRecorded(string name) => _recorded.ContainsKey(name);

    /// <summary>The verdict on every selector of <paramref name="expression"/>; an unreadable expression is a <see cref="FormatException"/>.</summary>
    /// <param name="expression">A PromQL expression.</param>
    /// <param name="throughRules">See <see cref="CanMatch(VectorSelector, bool)"/>.</param>
    public IReadOnlyList<(VectorSelector Selector, SelectorVerdict Verdict)> Check(string expression, bool throughRules = true) =>
        [.. PromQlSelectors.Extract(expression).Select(s => (s, CanMatch(s, throughRules)))];

    /// <summary>
    /// Whether <paramref name="selector"/> can ever select a series. A recording rule's output has the labels the rule
    /// sets with exactly those values, and any other label (from its expression) open.
    /// </summary>
    /// <param name="selector">The selector.</param>
    /// <param name="throughRules">
    /// Whether a recorded series also fails when every rule recording it reads a selector that never matches (what an
    /// SLI or a panel needs); false judges only the selector itself, for reporting root causes rule by rule.
    /// </param>
    public SelectorVerdict CanMatch(VectorSelector selector, bool throughRules = true)
    {
        if (selector.Metric.Length == 0)
        {
            var recorded = _recorded.Keys.Where(selector.SelectsName).Select(n => CanMatch(selector.Named(n), throughRules)).ToList();
            var served = _catalogue.CanMatch(selector);
            return recorded.Any(v => v.CanMatch) || served.CanMatch ? SelectorVerdict.Yes : recorded.FirstOrDefault() ?? served;
        }

        if (OwnSeries.Contains(selector.Metric) || OwnPrefixes.Any(p => selector.Metric.StartsWith(p, StringComparison.Ordinal)))
        {
            return SelectorVerdict.Yes;
        }

        if (!_recorded.TryGetValue(selector.Metric, out var rules))
        {
            return _catalogue.CanMatch(selector);
        }

        var matching = rules.Where(r => selector.LabelMatchers.All(m => r.Labels.TryGetValue(m.Label, out var v) ? m.Matches(v) : true)).ToList();
        if (matching.Count == 0)
        {
            var sets = rules.Select(r => string.Join(",", r.Labels.Select(p => $"{p.Key}={p.Value}"))).Distinct().ToList();
            return SelectorVerdict.No($"no recording rule of {selector.Metric} sets labels that match ({sets.Count} label sets, such as {sets[0]})");
        }

        var dead = throughRules ? matching.Select(DeadReason).ToList() : [];
        return dead.Count > 0 && dead.All(d => d is not null) ? SelectorVerdict.No($"recorded only by rules that never produce it: {dead[0]}") : SelectorVerdict.Yes;
    }

    /// <summary>Why a recording rule can never produce a series (the first selector up its chain that never matches), or null.</summary>
    private string? DeadReason(PrometheusRule rule)
    {
        if (_deadReasons.TryGetValue(rule, out var known))
        {
            return known;
        }

        _deadReasons[rule] = null; // a rule that reads its own output, or a cycle, is judged by its other selectors
        string? reason = null;
        foreach (var selector in PromQlSelectors.Extract(rule.Expr))
        {
            if (CanMatch(selector, throughRules: false) is { CanMatch: false } own)
            {
                reason = $"{rule.Record} reads {selector}: {own.Reason}";
                break;
            }

            if (IsRecorded(selector.Metric) && DeadUpstream(selector) is { } upstream)
            {
                reason = upstream;
                break;
            }
        }

        return _deadReasons[rule] = reason;
    }

    private string? DeadUpstream(VectorSelector selector)
    {
        var reasons = _recorded[selector.Metric]
            .Where(r => selector.LabelMatchers.All(m => !r.Labels.TryGetValue(m.Label, out var v) || m.Matches(v)))
            .Select(DeadReason).ToList();
        return reasons.Count > 0 && reasons.All(r => r is not null) ? reasons[0] : null;
    }
}
