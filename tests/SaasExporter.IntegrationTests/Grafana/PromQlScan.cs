using System.Text.RegularExpressions;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// Just enough PromQL structure for the replica rule: which raw exporter selectors (<c>saas_*</c>, <c>crm_*</c>) a
/// <c>sum</c> or <c>count</c> adds up without first collapsing the replicas with <c>max|min|avg without (instance)</c>
/// (or <c>by</c> labels that leave <c>instance</c> out). Label matchers, ranges and strings are skipped, not parsed.
/// </summary>
public static partial class PromQlScan
{
    private static readonly HashSet<string> Summing = ["sum", "count"];
    private static readonly HashSet<string> Collapsing = ["max", "min", "avg"];
    private static readonly HashSet<string> LabelListKeywords = ["on", "ignoring", "group_left", "group_right"];

    /// <summary>The raw selectors' metric names that a sum or count reaches with the instance label still on.</summary>
    public static IReadOnlyList<string> SummedWithReplicas(string expr)
    {
        var tokens = Tokenize(expr);
        var stack = new Stack<Frame>();
        var found = new List<string>();
        Frame? closedGrouping = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var previous = i > 0 ? tokens[i - 1] : null;
            switch (token.Kind)
            {
                case TokenKind.Open:
                    stack.Push(previous switch
                    {
                        { Kind: TokenKind.Identifier, Text: "by" or "without" } =>
                            new Frame(FrameKind.Grouping, i >= 2 ? tokens[i - 2].Text : "", previous.Text, []),
                        { Kind: TokenKind.Identifier } when LabelListKeywords.Contains(previous.Text) => new Frame(FrameKind.LabelList, previous.Text, "", []),
                        { Kind: TokenKind.Close } when closedGrouping is not null =>
                            new Frame(FrameKind.Aggregation, closedGrouping.Name, closedGrouping.Modifier, closedGrouping.Labels),
                        { Kind: TokenKind.Identifier } => new Frame(FrameKind.Aggregation, previous.Text, "", []),
                        _ => new Frame(FrameKind.Paren, "", "", []),
                    });
                    break;
                case TokenKind.Close:
                    var frame = stack.Pop();
                    closedGrouping = frame.Kind == FrameKind.Grouping ? frame : null;
                    break;
                case TokenKind.Identifier when stack.TryPeek(out var top) && top.Kind is FrameKind.Grouping or FrameKind.LabelList:
                    top.Labels.Add(token.Text);
                    break;
                case TokenKind.Identifier when RawMetric().IsMatch(token.Text) && tokens.ElementAtOrDefault(i + 1)?.Kind != TokenKind.Open:
                    if (IsSummedWithReplicas([.. stack.Reverse()]))
                    {
                        found.Add(token.Text);
                    }

                    break;
            }

            if (token.Kind != TokenKind.Close)
            {
                closedGrouping = null;
            }
        }

        return found;
    }

    /// <summary>
    /// Frames outermost first; the innermost one decides: a sum or count (unless by a list that keeps instance) adds the
    /// replicas up, a max, min or avg that drops instance collapses them, so a sum outside it is safe.
    /// </summary>
    private static bool IsSummedWithReplicas(IReadOnlyList<Frame> frames)
    {
        var summed = false;
        foreach (var frame in frames.Where(f => f.Kind == FrameKind.Aggregation))
        {
            var keepsInstance = frame.Modifier switch
            {
                "by" => frame.Labels.Contains("instance"),
                "without" => !frame.Labels.Contains("instance"),
                _ => false,
            };
            if (Summing.Contains(frame.Name) && !(frame.Modifier == "by" && keepsInstance))
            {
                summed = true;
            }
            else if (Collapsing.Contains(frame.Name) && !keepsInstance)
            {
                summed = false;
            }
        }

        return summed;
    }

    private static List<Token> Tokenize(string expr)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < expr.Length;)
        {
            var c = expr[i];
            if (c is '"' or '\'' or '`')
            {
                var end = i + 1;
                while (end < expr.Length && expr[end] != c)
                {
                    end += expr[end] == '\\' ? 2 : 1;
                }

                i = end + 1;
            }
            else if (c is '{' or '[')
            {
                i = SkipBalanced(expr, i, c == '{' ? '}' : ']');
            }
            else if (c == '(')
            {
                tokens.Add(new Token(TokenKind.Open, "("));
                i++;
            }
            else if (c == ')')
            {
                tokens.Add(new Token(TokenKind.Close, ")"));
                i++;
            }
            else if (char.IsLetter(c) || c is '_' or ':')
            {
                var start = i;
                while (i < expr.Length && (char.IsLetterOrDigit(expr[i]) || expr[i] is '_' or ':'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, expr[start..i]));
            }
            else
            {
                if (!char.IsWhiteSpace(c))
                {
                    tokens.Add(new Token(TokenKind.Other, c.ToString()));
                }

                i++;
            }
        }

        return tokens;
    }

    private static int SkipBalanced(string expr, int start, char close)
    {
        var i = start + 1;
        while (i < expr.Length && expr[i] != close)
        {
            if (expr[i] == '"')
            {
                i++;
                while (i < expr.Length && expr[i] != '"')
                {
                    i += expr[i] == '\\' ? 2 : 1;
                }
            }

            i++;
        }

        return i + 1;
    }

    [GeneratedRegex("^(saas|crm)_[a-zA-Z0-9_]+$")]
    private static partial Regex RawMetric();

    private enum TokenKind
    {
        Identifier,
        Open,
        Close,
        Other,
    }

    private enum FrameKind
    {
        Paren,
        Grouping,
        LabelList,
        Aggregation,
    }

    private sealed record Token(TokenKind Kind, string Text);

    private sealed record Frame(FrameKind Kind, string Name, string Modifier, List<string> Labels);
}
