using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>The dashboards under grafana/dashboards/&lt;folder&gt;/, their panels and their Prometheus targets.</summary>
public static partial class DashboardFiles
{
    /// <summary>What Grafana's built-in variables stand for when a query runs outside Grafana.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltIns = new Dictionary<string, string>
    {
        ["__rate_interval"] = "1m",
        ["__interval"] = "15s",
        ["__interval_ms"] = "15000",
        ["__range"] = "1h",
        ["__range_s"] = "3600",
        ["__range_ms"] = "3600000",
    };

    public static string Directory { get; } = Repository.PathOf("grafana", "dashboards");

    /// <summary>Paths relative to grafana/dashboards, with '/' separators.</summary>
    public static IReadOnlyList<string> RelativePaths { get; } =
    [
        .. System.IO.Directory.GetFiles(Directory, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    public static JsonObject Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, relativePath)))!.AsObject();

    public static IEnumerable<(string Path, JsonObject Dashboard)> All() => RelativePaths.Select(p => (p, Load(p)));

    /// <summary>Every panel, rows' nested panels included, rows themselves excluded.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).SelectMany(p =>
            (string?)p["type"] == "row" ? p["panels"]!.AsArray().Select(n => n!.AsObject()) : [p]);

    public static IEnumerable<JsonObject> Targets(JsonObject panel) =>
        panel["targets"]?.AsArray().Select(t => t!.AsObject()) ?? [];

    public static IEnumerable<JsonObject> Variables(JsonObject dashboard) =>
        dashboard["templating"]!["list"]!.AsArray().Select(v => v!.AsObject());

    /// <summary>
    /// The query as Grafana would send it with every variable at its saved default: "All" becomes the variable's
    /// allValue, a multi-value selection becomes an alternation, built-in interval variables take <see cref="BuiltIns"/>.
    /// </summary>
    public static string Substitute(string expr, JsonObject dashboard)
    {
        var values = new Dictionary<string, string>(BuiltIns);
        foreach (var variable in Variables(dashboard))
        {
            values[(string)variable["name"]!] = DefaultValue(variable);
        }

        return VariableReference().Replace(expr, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Success ? m.Groups["plain"].Value : m.Groups["legacy"].Value;
            // Like Grafana, an unknown name (such as label_replace's $1) is left as it is.
            return values.TryGetValue(name, out var value) ? value : m.Value;
        });
    }

    public static string DefaultValue(JsonObject variable)
    {
        var current = variable["current"]?["value"];
        var selected = current switch
        {
            JsonArray array => array.Select(v => (string)v!).ToList(),
            JsonValue value => [(string)value!],
            _ => throw new InvalidOperationException($"variable {variable["name"]} has no current value"),
        };
        if (selected.Contains("$__all"))
        {
            return (string?)variable["allValue"] ?? throw new InvalidOperationException($"variable {variable["name"]} defaults to All without an allValue");
        }

        return selected.Count == 1 ? selected[0] : "(" + string.Join("|", selected) + ")";
    }

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z0-9_]+)(:[a-z]+)?\}|\[\[(?<legacy>[A-Za-z0-9_]+)\]\]|\$(?<plain>[A-Za-z0-9_]+)")]
    private static partial Regex VariableReference();
}
