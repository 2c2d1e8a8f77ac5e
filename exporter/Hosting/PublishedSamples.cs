using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SaasExporter.Publishing;

namespace SaasExporter.Hosting;

/// <summary>
/// Reads series back from the exposition /metrics serves (the registry, rendered under the publish gate), so that a
/// page showing them shows exactly what Prometheus scrapes and never queries the database itself.
/// </summary>
internal static partial class PublishedSamples
{
    public static async Task<IReadOnlyList<PublishedSample>> ReadAsync(MetricPublisher publisher, IReadOnlySet<string> families, CancellationToken cancellationToken)
    {
        using var text = new MemoryStream();
        await publisher.ExportAsTextAsync(text, cancellationToken);
        return Parse(Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length), families);
    }

    /// <summary>The samples of <paramref name="families"/> in a Prometheus text exposition.</summary>
    internal static IReadOnlyList<PublishedSample> Parse(string exposition, IReadOnlySet<string> families)
    {
        var samples = new List<PublishedSample>();
        foreach (var line in exposition.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (!match.Success || !families.Contains(match.Groups["name"].Value))
            {
                continue;
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["label"].Value, m => Unescape(m.Groups["value"].Value), StringComparer.Ordinal);
            samples.Add(new PublishedSample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }

        return samples;
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>Undoes the exposition's label value escapes: \\, \" and \n.</summary>
    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                text.Append(value[i] == 'n' ? '\n' : value[i]);
            }
            else
            {
                text.Append(value[i]);
            }
        }

        return text.ToString();
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPair();
}
