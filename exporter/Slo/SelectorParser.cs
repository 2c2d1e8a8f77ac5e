using System.Text.RegularExpressions;

namespace SaasExporter.Slo;

/// <summary>
/// Parses the one PromQL form an SLI query may take: a vector selector with equality matchers. Plain selectors keep
/// the generated tests derivable (the compiler knows which series to synthesise), as Pyrra requires too.
/// </summary>
public static partial class SelectorParser
{
    public static Selector? Parse(string query)
    {
        var match = SelectorPattern().Match(query.Trim());
        if (!match.Success)
        {
            return null;
        }

        var matchers = new List<KeyValuePair<string, string>>();
        foreach (Match m in MatcherPattern().Matches(match.Groups[2].Value))
        {
            if (matchers.Any(x => x.Key == m.Groups[1].Value))
            {
                return null;
            }

            matchers.Add(new(m.Groups[1].Value, m.Groups[2].Value));
        }

        return new Selector(match.Groups[1].Value, [.. matchers.OrderBy(m => m.Key, StringComparer.Ordinal)]);
    }

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:\s*[a-zA-Z_][a-zA-Z0-9_]*\s*=\s*"[^"\\]*"\s*,?)*)\s*\})?$""")]
    private static partial Regex SelectorPattern();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*""([^""\\]*)""")]
    private static partial Regex MatcherPattern();
}
