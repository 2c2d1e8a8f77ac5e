using System.Text;
using SaasExporter.Slo;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.UnitTests.Slo;

/// <summary>
/// Random strings full of control characters, DEL, C1, U+2028/U+2029 and quotes go into every string field of an SLO;
/// what the compiler writes must parse back (YamlDotNet) to exactly those strings.
/// </summary>
public sealed class YamlTextFuzzTests
{
    public const int QuoteIterations = 5000;
    public const int SloIterations = 60;

    private static readonly char[] Hostile =
    [
        .. Enumerable.Range(0, 0x20).Select(i => (char)i), '\u007f', .. Enumerable.Range(0x80, 0x20).Select(i => (char)i),
        '\u2028', '\u2029', '\ufeff', '"', '\'', '\\', ':', '#', '-', '{', '}', '[', ']', '&', '*', '!', '|', '>', '%', '@', '`', ' ',
        'a', 'Z', '9', 'é', '€', '中',
    ];

    [Fact]
    public void Quote_OfRandomHostileStrings_ParsesBackEqual()
    {
        var random = new Random(23);
        for (var i = 0; i < QuoteIterations; i++)
        {
            var text = RandomText(random);
            var parsed = Parse($"key: {YamlText.Quote(text)}\n");
            Assert.Equal(text, ((YamlScalarNode)((YamlMappingNode)parsed).Children[new YamlScalarNode("key")]).Value);
        }
    }

    [Fact]
    public void Generate_WithHostileStringsInEveryStringField_WritesYamlThatParsesBackToThem()
    {
        var random = new Random(17);
        for (var i = 0; i < SloIterations; i++)
        {
            var displayName = RandomText(random);
            var work = Directory.CreateTempSubdirectory("slo-fuzz-");
            try
            {
                Directory.CreateDirectory(Path.Combine(work.FullName, "slos"));
                File.WriteAllText(Path.Combine(work.FullName, "slos", "fuzz.yaml"), OpenSlo(displayName, random), new UTF8Encoding(false));

                var result = SloGenerator.Generate(work.FullName, "slos", "rules", "tests", ServedSeries.None);

                Assert.True(result.Diagnostics.Errors.Count == 0, string.Join("\n", result.Diagnostics.Errors));
                var descriptions = Descriptions(Parse(result.Rules["fuzz-slo.yml"])).ToList();
                Assert.NotEmpty(descriptions);
                Assert.All(descriptions, d => Assert.StartsWith(displayName + ": ", d, StringComparison.Ordinal));
                Assert.All(Descriptions(Parse(result.Tests["fuzz-slo_test.yml"])), d => Assert.StartsWith(displayName + ": ", d, StringComparison.Ordinal));
            }
            finally
            {
                work.Delete(recursive: true);
            }
        }
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        var length = random.Next(1, 24);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Hostile[random.Next(Hostile.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>An OpenSLO file written by YamlDotNet (not by the code under test), hostile text in every free-text field.</summary>
    private static string OpenSlo(string displayName, Random random)
    {
        var documents = new YamlStream(
            new YamlDocument(Map(
                ("apiVersion", Text("openslo/v1")), ("kind", Text("SLO")),
                ("metadata", Map(
                    ("name", Text("fuzz-slo")), ("displayName", Text(displayName)),
                    ("labels", Map(("team", Text("product")), ("note", Text(RandomText(random))))),
                    ("annotations", Map(("fuzz.example/comment", Text(RandomText(random))))))),
                ("spec", Map(
                    ("description", Text(RandomText(random))),
                    ("service", Text("saas-crm")),
                    ("indicator", Map(
                        ("metadata", Map(("name", Text("fuzz-sli")), ("displayName", Text(RandomText(random))))),
                        ("spec", Map(
                            ("description", Text(RandomText(random))),
                            ("thresholdMetric", Map(("metricSource", Map(
                                ("type", Text("Prometheus")), ("spec", Map(("query", Text("saas_active_users{window=\"1d\"}")))))))))))),
                    ("timeWindow", new YamlSequenceNode(Map(("duration", Text("28d")), ("isRolling", Text("true"))))),
                    ("budgetingMethod", Text("Occurrences")),
                    ("objectives", new YamlSequenceNode(Map(
                        ("displayName", Text(RandomText(random))), ("op", Text("gte")), ("value", Text("10")), ("target", Text("0.9"))))))))));
        using var writer = new StringWriter();
        documents.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlScalarNode Text(string value) => new(value) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted };

    private static YamlMappingNode Map(params (string Key, YamlNode Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
        {
            map.Add(key, value);
        }

        return map;
    }

    private static YamlNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents[0].RootNode;
    }

    private static IEnumerable<string> Descriptions(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(c =>
            c.Key is YamlScalarNode { Value: "description" } && c.Value is YamlScalarNode { Value: { } text } ? [text] : Descriptions(c.Value)),
        YamlSequenceNode sequence => sequence.Children.SelectMany(Descriptions),
        _ => [],
    };
}
