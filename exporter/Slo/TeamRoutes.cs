using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Slo;

/// <summary>
/// The teams an Alertmanager configuration routes by name, by the convention of docs/alerts.md ("Add a team"): a route
/// whose matchers include <c>team="billing"</c> (or <c>team=~"sre|ops"</c>, each plain alternative). An SLO whose team
/// no route names still alerts, but to the default receiver; <c>slo generate</c> warns about it.
/// </summary>
public static partial class TeamRoutes
{
    /// <summary>The file that <c>slo generate</c> reads beside the OpenSLO directory (prometheus/slos -> prometheus/alertmanager.yml).</summary>
    public const string FileName = "alertmanager.yml";

    /// <summary>One warning line per SLO whose team has no route in <paramref name="alertmanagerFile"/>; none when it does not exist.</summary>
    public static IEnumerable<string> Warnings(IEnumerable<SloDefinition> slos, string alertmanagerFile, string displayName)
    {
        if (!File.Exists(alertmanagerFile))
        {
            return [];
        }

        var routed = Read(File.ReadAllText(alertmanagerFile));
        return slos.Where(s => !routed.Contains(s.Team)).Select(s =>
            $"{s.File}: SLO/{s.Name}: metadata.labels.team: '{s.Team}' has no route in {displayName}: its alerts go to the default receiver, never a pager (docs/alerts.md, \"Add a team\")");
    }

    /// <summary>The team names the routes of an Alertmanager configuration match by equality or by a plain alternation.</summary>
    public static IReadOnlySet<string> Read(string alertmanagerYaml)
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(alertmanagerYaml))
        {
            yaml.Load(reader);
        }

        var teams = new HashSet<string>(StringComparer.Ordinal);
        if (yaml.Documents.Count > 0 && yaml.Documents[0].RootNode is YamlMappingNode root
            && root.Children.TryGetValue(new YamlScalarNode("route"), out var route))
        {
            Collect(route, teams);
        }

        return teams;
    }

    private static void Collect(YamlNode route, HashSet<string> teams)
    {
        if (route is not YamlMappingNode mapping)
        {
            return;
        }

        if (mapping.Children.TryGetValue(new YamlScalarNode("matchers"), out var matchers) && matchers is YamlSequenceNode list)
        {
            foreach (var matcher in list.Children.OfType<YamlScalarNode>().Select(m => TeamMatcher().Match(m.Value ?? "")).Where(m => m.Success))
            {
                var value = matcher.Groups["value"].Value;
                var names = matcher.Groups["op"].Value == "=~" ? value.Split('|') : [value];
                teams.UnionWith(names.Where(n => PlainName().IsMatch(n)));
            }
        }

        if (mapping.Children.TryGetValue(new YamlScalarNode("routes"), out var children) && children is YamlSequenceNode routes)
        {
            foreach (var child in routes.Children)
            {
                Collect(child, teams);
            }
        }
    }

    [GeneratedRegex("""^\s*team\s*(?<op>=~|=)\s*"?(?<value>[^"]*)"?\s*$""")]
    private static partial Regex TeamMatcher();

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex PlainName();
}
