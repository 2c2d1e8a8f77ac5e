using System.Globalization;
using System.Text.RegularExpressions;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>A parsed Prometheus text exposition: series (name plus sorted labels) to value.</summary>
public sealed partial class Exposition
{
    private readonly Dictionary<string, double> _series;

    private Exposition(string text, Dictionary<string, double> series)
    {
        Text = text;
        _series = series;
    }

    public string Text { get; }

    /// <summary>Every series, keyed as <see cref="Key"/> does.</summary>
    public IReadOnlyDictionary<string, double> Series => _series;

    public static Exposition Parse(string text)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = Line().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"unparsable exposition line: {line}");
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .Select(m => (m.Groups[1].Value, m.Groups[2].Value))
                .ToArray();
            series[Key(match.Groups["name"].Value, labels)] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return new Exposition(text, series);
    }

    public static string Key(string name, params (string Name, string Value)[] labels) =>
        name + "{" + string.Join(",", labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";

    public double? Get(string name, params (string Name, string Value)[] labels) =>
        _series.TryGetValue(Key(name, labels), out var value) ? value : null;

    public double Value(string name, params (string Name, string Value)[] labels) =>
        Get(name, labels) ?? throw new Xunit.Sdk.XunitException($"series {Key(name, labels)} is absent from the exposition");

    /// <summary>All series of one metric name, keyed as <see cref="Key"/> does.</summary>
    public IReadOnlyDictionary<string, double> Family(string name) =>
        _series.Where(s => s.Key.StartsWith(name + "{", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => s.Value);

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>.*)\\})? (?<value>\\S+)( \\d+)?$")]
    private static partial Regex Line();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();
}
