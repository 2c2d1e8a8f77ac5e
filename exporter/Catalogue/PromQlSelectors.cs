using System.Text;

namespace SaasExporter.Catalogue;

/// <summary>
/// Finds the vector selectors of a PromQL expression without evaluating it: metric names with their label matchers
/// (=, !=, =~, !~). Function and aggregation names, grouping and matching label lists (by, without, on, ignoring,
/// group_left, group_right), strings, numbers, durations and ranges are skipped. A selector without a metric name
/// (<c>{__name__=~"slo:.+", a="b"}</c>) has an empty <see cref="VectorSelector.Metric"/> and keeps its __name__
/// matchers; a __name__ matcher after a metric name is refused.
/// </summary>
public static class PromQlSelectors
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end",
    };

    private static readonly HashSet<string> LabelListKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right",
    };

    /// <summary>The selectors of <paramref name="expression"/> in order of appearance; a syntax it cannot read is a <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<VectorSelector> Extract(string expression)
    {
        var reader = new Reader(expression);
        var selectors = new List<VectorSelector>();
        while (reader.SkipSpaceAndComments())
        {
            var c = reader.Peek;
            if (IsNameStart(c))
            {
                var name = reader.Name();
                reader.SkipSpaceAndComments();
                if (LabelListKeywords.Contains(name))
                {
                    if (reader.Peek == '(')
                    {
                        reader.SkipPast(')');
                    }
                }
                else if (Keywords.Contains(name) || reader.Peek == '(' || IsAggregationModifierNext(reader))
                {
                    // A function or aggregation call, or an operator keyword.
                }
                else
                {
                    selectors.Add(new VectorSelector(name, reader.Peek == '{' ? reader.Matchers(name) : []));
                }
            }
            else if (c == '{')
            {
                var position = reader.Position + 1;
                var matchers = reader.Matchers("");
                if (!matchers.Any(m => m.Label == VectorSelector.NameLabel))
                {
                    throw new FormatException($"'{expression}': the selector at character {position} has neither a metric name nor a __name__ matcher");
                }

                selectors.Add(new VectorSelector("", matchers));
            }
            else if (c is '"' or '\'' or '`')
            {
                reader.String();
            }
            else if (c == '[')
            {
                reader.SkipPast(']');
            }
            else if (char.IsAsciiDigit(c) || c == '.')
            {
                reader.NumberOrDuration();
            }
            else
            {
                reader.Advance();
            }
        }

        return selectors;
    }

    /// <summary>Whether the text is one selector, optionally with a range, and nothing else.</summary>
    internal static bool IsPlainSelector(string text)
    {
        var reader = new Reader(text);
        reader.SkipSpaceAndComments();
        if (!IsNameStart(reader.Peek))
        {
            return false;
        }

        var name = reader.Name();
        reader.SkipSpaceAndComments();
        if (reader.Peek == '{')
        {
            reader.Matchers(name);
            reader.SkipSpaceAndComments();
        }

        if (reader.Peek == '[')
        {
            reader.SkipPast(']');
        }

        return !reader.SkipSpaceAndComments();
    }

    // `sum by (x) (...)` and `sum without (x) (...)`: the aggregation's name is followed by a modifier, not a paren.
    private static bool IsAggregationModifierNext(Reader reader) =>
        reader.LookingAtWord("by") || reader.LookingAtWord("without");

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';

    private sealed class Reader(string text)
    {
        private int _position;

        public int Position => _position;

        public char Peek => _position < text.Length ? text[_position] : '\0';

        public void Advance() => _position++;

        /// <summary>Skips whitespace and # comments; false at the end of the text.</summary>
        public bool SkipSpaceAndComments()
        {
            while (_position < text.Length)
            {
                if (char.IsWhiteSpace(text[_position]))
                {
                    _position++;
                }
                else if (text[_position] == '#')
                {
                    while (_position < text.Length && text[_position] != '\n')
                    {
                        _position++;
                    }
                }
                else
                {
                    return true;
                }
            }

            return false;
        }

        public bool LookingAtWord(string word) =>
            string.Compare(text, _position, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
            && (_position + word.Length >= text.Length || !IsNamePart(text[_position + word.Length]));

        public string Name()
        {
            var start = _position;
            while (_position < text.Length && IsNamePart(text[_position]))
            {
                _position++;
            }

            return text[start.._position];
        }

        public void NumberOrDuration()
        {
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '.'
                || (text[_position] is '+' or '-' && text[_position - 1] is 'e' or 'E' && !IsDurationUnit(text, _position - 1))))
            {
                _position++;
            }
        }

        /// <summary>Skips to just past the closing character, across strings and nested brackets of the same kind.</summary>
        public void SkipPast(char close)
        {
            var open = text[_position];
            var depth = 0;
            while (_position < text.Length)
            {
                var c = text[_position];
                if (c is '"' or '\'' or '`')
                {
                    String();
                    continue;
                }

                _position++;
                if (c == open)
                {
                    depth++;
                }
                else if (c == close && --depth == 0)
                {
                    return;
                }
            }

            throw new FormatException($"'{text}': '{open}' is never closed");
        }

        public string String()
        {
            var quote = text[_position++];
            var value = new StringBuilder();
            while (_position < text.Length && text[_position] != quote)
            {
                var c = text[_position++];
                if (c == '\\' && quote != '`' && _position < text.Length)
                {
                    var escaped = text[_position++];
                    value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => escaped });
                    continue;
                }

                value.Append(c);
            }

            if (_position >= text.Length)
            {
                throw new FormatException($"'{text}': a string is never closed");
            }

            _position++;
            return value.ToString();
        }

        /// <summary>Reads <c>{a="x", b=~"y"}</c>.</summary>
        public List<LabelMatcher> Matchers(string metric)
        {
            var matchers = new List<LabelMatcher>();
            _position++;
            while (true)
            {
                SkipSpaceAndComments();
                if (Peek == '}')
                {
                    _position++;
                    return matchers;
                }

                if (!IsNameStart(Peek))
                {
                    throw new FormatException($"'{text}': selector of {Of(metric)}: expected a label name at character {_position + 1}");
                }

                var label = Name();
                SkipSpaceAndComments();
                var op = Peek switch
                {
                    '=' when Next == '~' => MatchOperator.Regex,
                    '=' => MatchOperator.Equal,
                    '!' when Next == '=' => MatchOperator.NotEqual,
                    '!' when Next == '~' => MatchOperator.NotRegex,
                    _ => throw new FormatException($"'{text}': selector of {Of(metric)}: expected =, !=, =~ or !~ after {label} at character {_position + 1}"),
                };
                _position += op == MatchOperator.Equal ? 1 : 2;
                SkipSpaceAndComments();
                if (Peek is not ('"' or '\'' or '`'))
                {
                    throw new FormatException($"'{text}': selector of {Of(metric)}: expected a quoted value for {label} at character {_position + 1}");
                }

                if (label == VectorSelector.NameLabel && metric.Length > 0)
                {
                    throw new FormatException($"'{text}': selector of {Of(metric)}: a __name__ matcher after the metric name is not supported");
                }

                var value = String();
                try
                {
                    matchers.Add(new LabelMatcher(label, op, value));
                }
                catch (ArgumentException e)
                {
                    throw new FormatException($"'{text}': selector of {Of(metric)}: {label}: not a regular expression: {e.Message}", e);
                }
                SkipSpaceAndComments();
                if (Peek == ',')
                {
                    _position++;
                }
                else if (Peek != '}')
                {
                    throw new FormatException($"'{text}': selector of {Of(metric)}: expected , or }} at character {_position + 1}");
                }
            }
        }

        private static string Of(string metric) => metric.Length > 0 ? metric : "{...}";

        private char Next => _position + 1 < text.Length ? text[_position + 1] : '\0';

        // In a duration such as 1d-... no exponent follows; a number such as 1e-3 has one.
        private static bool IsDurationUnit(string s, int index) => index > 0 && !char.IsAsciiDigit(s[index - 1]);
    }
}
