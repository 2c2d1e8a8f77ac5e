using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Catalogue;

/// <summary>One rule of a Prometheus rule file: a recording rule (<see cref="Record"/> set) or an alert.</summary>
public sealed record PrometheusRule(string File, string Name, string? Record, IReadOnlyDictionary<string, string> Labels, string Expr)
{
    /// <summary>
    /// The rules of a Prometheus rule file (<c>groups: [{rules: [{record|alert, expr, labels}]}]</c>); a file that is not
    /// one is a <see cref="FormatException"/> naming the file.
    /// </summary>
    public static IReadOnlyList<PrometheusRule> Load(string path)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(System.IO.File.ReadAllText(path)));
            var rules = new List<PrometheusRule>();
            foreach (var group in ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"]).Children.Cast<YamlMappingNode>())
            {
                foreach (var rule in ((YamlSequenceNode)group["rules"]).Children.Cast<YamlMappingNode>())
                {
                    var labels = rule.Children.TryGetValue(new YamlScalarNode("labels"), out var l)
                        ? ((YamlMappingNode)l).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!, StringComparer.Ordinal)
                        : new Dictionary<string, string>(StringComparer.Ordinal);
                    var record = rule.Children.TryGetValue(new YamlScalarNode("record"), out var r) ? ((YamlScalarNode)r).Value : null;
                    var name = record ?? ((YamlScalarNode)rule["alert"]).Value!;
                    rules.Add(new PrometheusRule(path, name, record, labels, ((YamlScalarNode)rule["expr"]).Value!));
                }
            }

            return rules;
        }
        catch (Exception e) when (e is YamlException or InvalidCastException or KeyNotFoundException or IndexOutOfRangeException)
        {
            throw new FormatException($"{path}: not a Prometheus rule file ({e.Message})", e);
        }
    }
}
