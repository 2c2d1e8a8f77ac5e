using System.Text.RegularExpressions;

namespace SaasExporter.Catalogue;

/// <summary>One label matcher of a vector selector, such as <c>window=~"7d|30d"</c>.</summary>
public sealed record LabelMatcher(string Label, MatchOperator Operator, string Value)
{
    private readonly Regex? _regex = Operator is MatchOperator.Regex or MatchOperator.NotRegex
        ? new Regex($"^(?:{Value})$", RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1))
        : null;

    /// <summary>Whether a series whose label has this value (the empty string when it lacks the label) is selected.</summary>
    public bool Matches(string value) => Operator switch
    {
        MatchOperator.Equal => value == Value,
        MatchOperator.NotEqual => value != Value,
        MatchOperator.Regex => _regex!.IsMatch(value),
        _ => !_regex!.IsMatch(value),
    };

    /// <summary>Whether some label value that is not known in advance (any non-empty text) could be selected.</summary>
    public bool CanMatchSomeValue => Operator switch
    {
        MatchOperator.Equal => Value.Length > 0,
        MatchOperator.Regex => Value is not "" and not "^$",
        _ => true,
    };

    public override string ToString() =>
        $"{Label}{Operator switch { MatchOperator.Equal => "=", MatchOperator.NotEqual => "!=", MatchOperator.Regex => "=~", _ => "!~" }}\"{Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
