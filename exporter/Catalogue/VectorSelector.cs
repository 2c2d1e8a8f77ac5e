namespace SaasExporter.Catalogue;

/// <summary>A PromQL vector selector: a metric name and its label matchers (<c>metric{a="x", b=~"y|z"}</c>).</summary>
public sealed record VectorSelector(string Metric, IReadOnlyList<LabelMatcher> Matchers)
{
    /// <summary>
    /// Parses exactly one selector, optionally followed by a range (<c>[5m]</c>); anything else (an operator, a function,
    /// a selector without a metric name) is a <see cref="FormatException"/> naming the position.
    /// </summary>
    public static VectorSelector Parse(string text)
    {
        var selectors = PromQlSelectors.Extract(text);
        var trimmed = text.Trim();
        if (selectors.Count != 1 || !PromQlSelectors.IsPlainSelector(trimmed))
        {
            throw new FormatException($"'{text}': expected one vector selector such as metric{{label=\"value\"}}");
        }

        return selectors[0];
    }

    public override string ToString() => Matchers.Count == 0 ? Metric : $"{Metric}{{{string.Join(", ", Matchers)}}}";
}
