using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// Every dashboard against the Grafana foundation SDK's JSON Schemas (draft-07, copied to ../shared/schemas): the
/// classic dashboard model, each panel's options and custom field config against its plugin's schema, and each target
/// against the Prometheus data query schema.
/// </summary>
public sealed class DashboardSchemaTests
{
    /// <summary>Panel type ids with an options schema in grafana-foundation-sdk (and its file); every panel type used must have one.</summary>
    private static readonly Dictionary<string, string> PluginSchemas = new()
    {
        ["bargauge"] = "bargauge", ["gauge"] = "gauge", ["heatmap"] = "heatmap", ["piechart"] = "piechart", ["stat"] = "stat",
        ["state-timeline"] = "statetimeline", ["table"] = "table", ["text"] = "text", ["timeseries"] = "timeseries",
    };

    /// <summary>
    /// Properties Grafana's CUE declares as <c>_</c> (any value) that the foundation SDK's generator renders as
    /// <c>"type": "object"</c>: a byName matcher's options is the field name (a string), a unit override's value a
    /// string, a decimals override's a number. They are loaded as "any" so valid overrides validate; everything else
    /// in the schema stays as vendored.
    /// </summary>
    private static readonly (string Definition, string Property)[] AnyTyped = [("MatcherConfig", "options"), ("DynamicConfigValue", "value")];

    private static readonly Lazy<Task<JsonSchema>> Dashboard = new(() => LoadAsync("dashboard"));

    /// <summary>The schemas, vendored beside this file (see its README for their provenance).</summary>
    public static string SchemaDirectory { get; } =
        Infrastructure.Repository.PathOf("tests", "SaasExporter.IntegrationTests", "Grafana", "Schemas");

    public static TheoryData<string> Dashboards() => [.. DashboardFiles.RelativePaths];

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task Dashboard_ValidatesAgainstTheDashboardSchema(string path)
    {
        var errors = (await Dashboard.Value).Validate(File.ReadAllText(Path.Combine(DashboardFiles.Directory, path)));

        Assert.True(errors.Count == 0, Describe(errors));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task EveryPanel_ValidatesAgainstItsPluginSchema(string path)
    {
        var problems = new List<string>();
        foreach (var panel in DashboardFiles.Panels(DashboardFiles.Load(path)))
        {
            var type = (string)panel["type"]!;
            Assert.True(PluginSchemas.TryGetValue(type, out var kind), $"panel '{panel["title"]}' is a {type}, which has no schema to validate against");
            var plugin = await LoadAsync(kind);
            problems.AddRange(Check(plugin, "Options", panel["options"], $"'{panel["title"]}' options"));
            problems.AddRange(Check(plugin, "FieldConfig", panel["fieldConfig"]?["defaults"]?["custom"], $"'{panel["title"]}' fieldConfig.defaults.custom"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task EveryTarget_ValidatesAgainstThePrometheusQuerySchema(string path)
    {
        var prometheus = await LoadAsync("prometheus");
        var problems = DashboardFiles.Panels(DashboardFiles.Load(path))
            .SelectMany(p => DashboardFiles.Targets(p).Select(t => (Panel: p, Target: t)))
            .Select(x => (x.Panel, Errors: prometheus.Validate(x.Target.ToJsonString())))
            .Where(x => x.Errors.Count > 0)
            .Select(x => $"'{x.Panel["title"]}': {Describe(x.Errors)}")
            .ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>The validator really applies the schema (draft-07, $ref, additionalProperties, oneOf): broken copies fail.</summary>
    [Theory]
    [InlineData("panel wider than the grid", "panels/1/gridPos/w", "25")]
    [InlineData("schemaVersion as a string", "schemaVersion", "\"39\"")]
    [InlineData("legacy datasource name", "panels/1/datasource", "\"Prometheus\"")]
    [InlineData("unknown top-level key", "style", "\"dark\"")]
    [InlineData("threshold without a colour", "panels/1/fieldConfig/defaults/thresholds/steps/0", "{\"value\": null}")]
    [InlineData("override matcher without an id", "panels/1/fieldConfig/overrides", "[{\"matcher\": {\"options\": \"D7\"}, \"properties\": []}]")]
    public async Task Validator_RejectsABrokenDashboard(string because, string pointer, string value)
    {
        var dashboard = DashboardFiles.Load(DashboardFiles.RelativePaths[0]);
        Set(dashboard, pointer, JsonNode.Parse(value));

        var errors = (await Dashboard.Value).Validate(dashboard.ToJsonString());

        Assert.True(errors.Count > 0, $"a dashboard with a {because} validated");
    }

    /// <summary>The plugin schemas are applied too: options a stat panel does not know, or lacks, fail.</summary>
    [Theory]
    [InlineData("graphMode", null)]
    [InlineData("graphMode", "\"sparkline\"")]
    [InlineData("unknownOption", "true")]
    public async Task Validator_RejectsBrokenStatOptions(string option, string? value)
    {
        var options = DashboardFiles.All().SelectMany(d => DashboardFiles.Panels(d.Dashboard))
            .First(p => (string?)p["type"] == "stat")["options"]!.DeepClone().AsObject();
        options.Remove(option);
        if (value is not null)
        {
            options[option] = JsonNode.Parse(value);
        }

        Assert.NotEmpty(Check(await LoadAsync("stat"), "Options", options, "stat options"));
    }

    private static IEnumerable<string> Check(JsonSchema plugin, string definition, JsonNode? value, string what)
    {
        if (value is null)
        {
            return [];
        }

        if (!plugin.Definitions.TryGetValue(definition, out var schema))
        {
            return definition == "Options" ? [$"{what}: the plugin schema has no {definition} definition"] : [];
        }

        var errors = schema.ActualSchema.Validate(value.ToJsonString());
        return errors.Count == 0 ? [] : [$"{what}: {Describe(errors)}"];
    }

    private static void Set(JsonObject root, string pointer, JsonNode? value)
    {
        var parts = pointer.Split('/');
        JsonNode node = root;
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, out var index) ? node[index]! : node[part]!;
        }

        if (int.TryParse(parts[^1], out var last))
        {
            node.AsArray()[last] = value;
        }
        else
        {
            node.AsObject()[parts[^1]] = value;
        }
    }

    /// <summary>
    /// Loads a schema file. A root "$ref": "#/definitions/X" (dashboard, prometheus) is applied by hand: NJsonSchema
    /// cannot resolve a reference from the root into the root's own definitions, so the root reference is removed and
    /// the definition it names is returned, which is the same schema.
    /// </summary>
    private static async Task<JsonSchema> LoadAsync(string kind)
    {
        var path = Path.Combine(SchemaDirectory, $"{kind}.jsonschema.json");
        Assert.True(File.Exists(path), $"schema {path} not found");
        var root = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        foreach (var (definition, property) in AnyTyped)
        {
            if (root["definitions"]?[definition]?["properties"]?[property] is JsonObject any)
            {
                any.Remove("type");
                any.Remove("additionalProperties");
            }
        }

        var reference = (string?)root["$ref"];
        root.Remove("$ref");
        var schema = await JsonSchema.FromJsonAsync(root.ToJsonString(), path);
        return reference is null ? schema : schema.Definitions[reference.Replace("#/definitions/", "", StringComparison.Ordinal)];
    }

    private static string Describe(IEnumerable<ValidationError> errors) =>
        string.Join("; ", errors.Select(e => e is ChildSchemaValidationError child
            ? $"{e.Path}: {e.Kind} [{string.Join(" | ", child.Errors.Select(c => Describe(c.Value)))}]"
            : $"{e.Path}: {e.Kind}"));
}
