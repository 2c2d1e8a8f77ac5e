namespace SaasExporter.Catalogue;

/// <summary>
/// A PromQL vector selector: a metric name and its label matchers (<c>metric{a="x", b=~"y|z"}</c>). A selector written
/// without a name (<c>{__name__=~"x_.+"}</c>) has an empty <see cref="Metric"/> and its __name__ matchers among the others.
/// </summary>
public sealed record VectorSelector(string Metric, IReadOnlyList<LabelMatcher> Matchers)
{
    public const string NameLabel = "__name__";

    /// <summary>Whether a series of this name can be selected (the metric name, or the __name__ matchers of a name-less selector).</summary>
    public bool SelectsName(string name) => Metric.Length > 0
        ? Metric == name
        : Matchers.Where(m => m.Label == NameLabel).All(m => m.Matches(name));

    /// <summary>The matchers on labels other than the metric name.</summary>
    public IEnumerable<LabelMatcher> LabelMatchers => Matchers.Where(m => m.Label != NameLabel);

    /// <summary>
    /// Parses exactly one selector, optionally followed by a range (<c>[5m]</c>); anything else (an operator, a function,
    /// a selector without a metric name) is a <see cref="FormatException"/> naming the position.
    /// </summary>
    public static VectorSelector Parse(string text)
    {
        var selectors = PromQlSelectors.Extract(text);
        var trimmed = text.Trim();
        if (selectors.Count != 1 || selectors[0].Metric.Length == 0 || !PromQlSelectors.IsPlainSelector(trimmed))
        {
            throw new FormatException($"'{text}': expected one vector selector such as metric{{label=\"value\"}}");
        }

        return selectors[0];
    }

    public override string ToString() => Matchers.Count == 0 ? Metric : $"{Metric}{{{string.Join(", ", Matchers)}}}";

    /// <summary>This selector with <paramref name="name"/> as its metric name and without __name__ matchers.</summary>
    public VectorSelector Named(string name) => new(name, [.. LabelMatchers]);
}
