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
    /// The query as Grafana would send it with every variable at its saved default unless <paramref name="values"/>
    /// sets it: "All" becomes the variable's allValue, a multi-value selection becomes an alternation, built-in interval
    /// variables take <see cref="BuiltIns"/>, and <c>$__interval</c> is at least the panel's minimum interval, as in
    /// Grafana.
    /// </summary>
    public static string Substitute(string expr, JsonObject dashboard, JsonObject? panel = null, IReadOnlyDictionary<string, string>? values = null)
    {
        var resolved = new Dictionary<string, string>(BuiltIns);
        foreach (var variable in Variables(dashboard))
        {
            var name = (string)variable["name"]!;
            resolved[name] = values is not null && values.TryGetValue(name, out var value) ? Resolve(variable, value) : DefaultValue(variable);
        }

        if (MinInterval(panel) is { } minimum && minimum > Duration(BuiltIns["__interval"]))
        {
            resolved["__interval"] = (string)panel!["interval"]!;
            resolved["__interval_ms"] = ((long)minimum.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return VariableReference().Replace(expr, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Success ? m.Groups["plain"].Value : m.Groups["legacy"].Value;
            // Like Grafana, an unknown name (such as label_replace's $1) is left as it is.
            return resolved.TryGetValue(name, out var value) ? value : m.Value;
        });
    }

    /// <summary>The names of the dashboard's own variables (not built-ins) that <paramref name="expr"/> refers to.</summary>
    public static IReadOnlyList<string> VariablesUsed(string expr, JsonObject dashboard)
    {
        var names = Variables(dashboard).Select(v => (string)v["name"]!).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. VariableReference().Matches(expr)
                .Select(m => m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Success ? m.Groups["plain"].Value : m.Groups["legacy"].Value)
                .Where(names.Contains).Distinct(StringComparer.Ordinal),
        ];
    }

    /// <summary>The panel's minimum interval (Grafana's "Min interval", the panel's <c>interval</c>), if it sets one.</summary>
    public static TimeSpan? MinInterval(JsonObject? panel) =>
        (string?)panel?["interval"] is { Length: > 0 } interval ? Duration(interval) : null;

    /// <summary>A Prometheus duration of one unit (15s, 5m, 1h, 1d).</summary>
    public static TimeSpan Duration(string text)
    {
        var match = SimpleDuration().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a duration like 15s, 5m, 1h or 1d");
        }

        var amount = double.Parse(match.Groups["amount"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromDays(7 * amount),
        };
    }

    /// <summary>A selection as Grafana interpolates it: "$__all" becomes the allValue, anything else stays as it is.</summary>
    public static string Resolve(JsonObject variable, string selected) =>
        selected == "$__all"
            ? (string?)variable["allValue"] ?? throw new InvalidOperationException($"variable {variable["name"]} offers All without an allValue")
            : selected;

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

    [GeneratedRegex(@"^(?<amount>[0-9]+(\.[0-9]+)?)(?<unit>ms|s|m|h|d|w)$")]
    private static partial Regex SimpleDuration();

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z0-9_]+)(:[a-z]+)?\}|\[\[(?<legacy>[A-Za-z0-9_]+)\]\]|\$(?<plain>[A-Za-z0-9_]+)")]
    private static partial Regex VariableReference();
}
