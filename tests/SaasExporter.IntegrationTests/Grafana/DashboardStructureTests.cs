using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// What the schema cannot say: the expected boards with stable uids, a title, description and unit on every panel,
/// data sources that are the provisioned uid (or the variable defaulting to it), no overlapping panels, the pinned
/// schemaVersion of the Grafana that docker-compose.yml runs, and a provider that loads the folders compose mounts.
/// </summary>
public sealed partial class DashboardStructureTests
{
    /// <summary>
    /// Grafana 11.1 to 11.5 write schemaVersion 39 (grafana-foundation-sdk's v11.1-v11.5 branches default to it);
    /// compose runs 11.3.0. Grafana migrates older versions up on load, never down.
    /// </summary>
    public const int SchemaVersion = 39;

    /// <summary>The committed uids: links (the SLO alerts link to /d/saas-slos/slos?var-slo=...) depend on them.</summary>
    private static readonly Dictionary<string, (string Uid, string Title)> Expected = new()
    {
        ["customer-success/customer-success.json"] = ("saas-customer-success", "Customer success"),
        ["executive/crm.json"] = ("saas-crm", "CRM business outcomes"),
        ["executive/revenue.json"] = ("saas-revenue", "Revenue"),
        ["product/activation-retention.json"] = ("saas-activation-retention", "Activation and retention"),
        ["product/engagement.json"] = ("saas-engagement", "Product engagement and adoption"),
        ["sre/exporter-health.json"] = ("saas-exporter-health", "Exporter health"),
        ["sre/slos.json"] = ("saas-slos", "SLOs"),
    };

    private static readonly string[] PanelDataSourceUids = ["${datasource}", "$datasource"];

    public static TheoryData<string> Dashboards() => [.. DashboardFiles.RelativePaths];

    [Fact]
    public void Dashboards_AreTheExpectedSetWithStableUidsAndTitles()
    {
        var actual = DashboardFiles.All().ToDictionary(d => d.Path, d => ((string)d.Dashboard["uid"]!, (string)d.Dashboard["title"]!));

        Assert.Equal(Expected.OrderBy(e => e.Key), actual.OrderBy(e => e.Key));
        Assert.Equal(actual.Count, actual.Values.Select(v => v.Item1).Distinct().Count());
        Assert.All(actual.Values, v => Assert.InRange(v.Item1.Length, 8, 40));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_PinsTheSchemaVersionOfTheComposeGrafana(string path)
    {
        var grafana = (YamlMappingNode)((YamlMappingNode)Yaml(Repository.PathOf("docker-compose.yml"))["services"])["grafana"];
        var image = ((YamlScalarNode)grafana["image"]).Value!;

        Assert.Matches(@"^grafana/grafana:11\.[1-5]\.[0-9]+$", image);
        Assert.Equal(SchemaVersion, (int)DashboardFiles.Load(path)["schemaVersion"]!);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EveryPanel_HasATitleADescriptionAndAUnit(string path)
    {
        var panels = DashboardFiles.Panels(DashboardFiles.Load(path)).ToList();

        Assert.NotEmpty(panels);
        Assert.All(panels, p =>
        {
            var title = (string?)p["title"];
            Assert.False(string.IsNullOrWhiteSpace(title), $"panel {p["id"]} has no title");
            Assert.False(string.IsNullOrWhiteSpace((string?)p["description"]), $"'{title}' has no description");
            Assert.False(string.IsNullOrWhiteSpace((string?)p["fieldConfig"]?["defaults"]?["unit"]), $"'{title}' has no unit");
            Assert.NotEmpty(DashboardFiles.Targets(p));
        });
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void PanelIdsAndTitles_AreUnique(string path)
    {
        var dashboard = DashboardFiles.Load(path);
        var ids = dashboard["panels"]!.AsArray().Select(p => (int)p!["id"]!).ToList();
        var titles = DashboardFiles.Panels(dashboard).Select(p => (string)p["title"]!).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(titles.Count, titles.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EveryDataSourceReference_IsTheVariableDefaultingToTheProvisionedUid(string path)
    {
        var dashboard = DashboardFiles.Load(path);
        var references = DataSourceReferences(dashboard).ToList();
        var variable = Assert.Single(DashboardFiles.Variables(dashboard), v => (string?)v["type"] == "datasource");

        var allowed = PanelDataSourceUids.Concat(ProvisionedDataSourceUids()).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r =>
        {
            Assert.Equal("prometheus", (string?)r["type"]);
            Assert.Contains((string?)r["uid"], allowed);
        });
        Assert.Equal("datasource", (string?)variable["name"]);
        Assert.Equal("prometheus", (string?)variable["query"]);
        Assert.Contains(DashboardFiles.DefaultValue(variable), ProvisionedDataSourceUids());
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Panels_DoNotOverlapAndFitTheGrid(string path)
    {
        var boxes = DashboardFiles.Load(path)["panels"]!.AsArray()
            .Select(p => (Title: (string)p!["title"]!, Pos: p["gridPos"]!))
            .Select(p => (p.Title, X: (int)p.Pos["x"]!, Y: (int)p.Pos["y"]!, W: (int)p.Pos["w"]!, H: (int)p.Pos["h"]!))
            .ToList();

        Assert.All(boxes, b => Assert.True(b.X + b.W <= 24, $"'{b.Title}' ends at column {b.X + b.W}"));
        var overlaps = boxes.SelectMany((a, i) => boxes.Skip(i + 1)
                .Where(b => a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H)
                .Select(b => $"'{a.Title}' overlaps '{b.Title}'"))
            .ToList();
        Assert.True(overlaps.Count == 0, string.Join("; ", overlaps));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void TopLeftPanel_IsAHeadlineNumber(string path)
    {
        var first = DashboardFiles.Panels(DashboardFiles.Load(path)).OrderBy(p => (int)p["gridPos"]!["y"]!).ThenBy(p => (int)p["gridPos"]!["x"]!).First();

        Assert.Contains((string)first["type"]!, new[] { "stat", "gauge" });
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void QueryVariables_RefreshOnTimeRangeChangeAndUseTheDataSourceVariable(string path)
    {
        var queries = DashboardFiles.Variables(DashboardFiles.Load(path)).Where(v => (string?)v["type"] == "query").ToList();

        Assert.All(queries, v =>
        {
            Assert.Equal(2, (int)v["refresh"]!);
            Assert.Contains((string?)v["datasource"]!["uid"], PanelDataSourceUids);
            Assert.Matches(LabelValues(), (string)v["query"]!);
        });
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EveryPanel_SaysWhatAnEmptyValueMeans(string path)
    {
        Assert.All(DashboardFiles.Panels(DashboardFiles.Load(path)), p =>
            Assert.False(string.IsNullOrWhiteSpace((string?)p["fieldConfig"]?["defaults"]?["noValue"]), $"'{p["title"]}' has no noValue text"));
    }

    [Fact]
    public void BurnRates_AreShownAsFactorsNotPercentages()
    {
        var slos = DashboardFiles.All().Single(d => (string?)d.Dashboard["uid"] == "saas-slos").Dashboard;
        var burnPanels = DashboardFiles.Panels(slos).Where(p => DashboardFiles.Targets(p).Any(t => IsBurnRate((string)t["expr"]!))).ToList();

        Assert.NotEmpty(burnPanels);
        Assert.All(burnPanels, p =>
        {
            var refIds = DashboardFiles.Targets(p).Where(t => IsBurnRate((string)t["expr"]!)).Select(t => (string)t["refId"]!).ToList();
            if (DashboardFiles.Targets(p).All(t => IsBurnRate((string)t["expr"]!)))
            {
                Assert.Equal(FactorUnit, (string?)p["fieldConfig"]!["defaults"]!["unit"]);
                return;
            }

            // A table mixing ratios and burn rates: the burn-rate column (renamed by organize) carries the unit.
            var renames = p["transformations"]!.AsArray().Single(t => (string?)t!["id"] == "organize")!["options"]!["renameByName"]!.AsObject();
            Assert.All(refIds, refId =>
            {
                var column = (string?)renames[$"Value #{refId}"] ?? $"Value #{refId}";
                var unit = p["fieldConfig"]!["overrides"]!.AsArray()
                    .Where(o => (string?)o!["matcher"]!["id"] == "byName" && (string?)o["matcher"]!["options"] == column)
                    .SelectMany(o => o!["properties"]!.AsArray()).Where(q => (string?)q!["id"] == "unit").Select(q => (string?)q!["value"]).SingleOrDefault();
                Assert.True(unit == FactorUnit, $"'{p["title"]}' column {column} has unit {unit ?? "(panel default)"}, not {FactorUnit}");
            });
        });
    }

    [Fact]
    public void BurnRateByWindow_DescribesOnlyWindowsAndFactorsTheGeneratedRulesUse()
    {
        var slos = DashboardFiles.All().Single(d => (string?)d.Dashboard["uid"] == "saas-slos").Dashboard;
        var description = (string)DashboardFiles.Panels(slos).Single(p => (string?)p["title"] == "Burn rate by window")["description"]!;
        var rules = string.Join("\n", Directory.GetFiles(Repository.PathOf("prometheus", "rules", "slo"), "*.yml").Select(File.ReadAllText));
        var windows = RuleWindow().Matches(rules).Select(m => m.Groups["window"].Value).ToHashSet(StringComparer.Ordinal);
        var factors = RuleFactor().Matches(rules).Select(m => m.Groups["factor"].Value).ToHashSet(StringComparer.Ordinal);

        var described = DescribedWindow().Matches(description).Select(m => m.Value).ToList();
        var describedFactors = DescribedFactor().Matches(description).Select(m => m.Groups["factor"].Value).ToList();
        Assert.NotEmpty(described);
        Assert.NotEmpty(describedFactors);
        Assert.All(described, w => Assert.True(windows.Contains(w), $"the description names window {w}; the rules record [{string.Join(", ", windows.Order())}]"));
        Assert.All(describedFactors, f => Assert.True(factors.Contains(f), $"the description names factor {f}x; the rules alert at [{string.Join(", ", factors.Order())}]"));
    }

    [Fact]
    public void BarPanelsOfCounters_CountEachIncreaseOnceWithAMinimumIntervalOfTwoScrapes()
    {
        var scrape = DashboardFiles.Duration(((YamlScalarNode)((YamlMappingNode)Yaml(Repository.PathOf("prometheus", "prometheus.yml"))["global"])["scrape_interval"]).Value!);
        var bars = DashboardFiles.All().SelectMany(d => DashboardFiles.Panels(d.Dashboard))
            .Where(p => (string?)p["type"] == "timeseries" && (string?)p["fieldConfig"]?["defaults"]?["custom"]?["drawStyle"] == "bars")
            .Where(p => DashboardFiles.Targets(p).Any(t => CounterRange().IsMatch((string)t["expr"]!)))
            .ToList();

        Assert.NotEmpty(bars);
        Assert.All(bars, p =>
        {
            // A range longer than the step counts one increase in several bars; $__interval is the step.
            Assert.All(DashboardFiles.Targets(p).SelectMany(t => CounterRange().Matches((string)t["expr"]!)),
                m => Assert.True(m.Groups["range"].Value == "$__interval", $"'{p["title"]}' counts over [{m.Groups["range"].Value}], not [$__interval]"));
            Assert.True(DashboardFiles.MinInterval(p) >= 2 * scrape, $"'{p["title"]}' needs a minimum interval of at least two scrapes ({2 * scrape})");
        });
    }

    [Fact]
    public void PlanVariable_FiltersEveryRevenuePanelWhoseDataHasAPlanLabel()
    {
        var revenue = DashboardFiles.All().Single(d => (string?)d.Dashboard["uid"] == "saas-revenue").Dashboard;
        var plan = DashboardFiles.Variables(revenue).Single(v => (string?)v["name"] == "plan");
        var metric = PlanSource().Match((string)plan["query"]!).Groups["metric"].Value;
        var targets = DashboardFiles.Panels(revenue).SelectMany(p => DashboardFiles.Targets(p).Select(t => (Title: (string)p["title"]!, Expr: (string)t["expr"]!))).ToList();

        Assert.Equal("saas_mrr", metric);
        Assert.All(targets.Where(t => Regex.IsMatch(t.Expr, $@"\b{metric}\b(?![_:])")), t =>
            Assert.Matches($@"\b{metric}\{{[^}}]*plan=~""\$plan""", t.Expr));
        Assert.Contains(targets, t => t.Title == "ARR" && t.Expr.Contains("$plan", StringComparison.Ordinal));
        Assert.Contains("MRR, ARR, MRR over time and MRR by plan", (string?)plan["description"], StringComparison.Ordinal);
    }

    private const string FactorUnit = "suffix:x";

    private static bool IsBurnRate(string expr) =>
        expr.Contains("burn_rate", StringComparison.Ordinal) || (expr.Contains("sli_error:ratio_rate", StringComparison.Ordinal) && expr.Contains("/ on", StringComparison.Ordinal));

    [Fact]
    public void SloDashboard_HasTheSloVariableTheAlertLinksSet()
    {
        var slos = DashboardFiles.All().Single(d => (string?)d.Dashboard["uid"] == "saas-slos").Dashboard;

        Assert.Contains(DashboardFiles.Variables(slos), v => (string?)v["name"] == "slo" && (string?)v["type"] == "query");
    }

    [Fact]
    public void Provider_LoadsTheMountedDashboardsIntoFoldersByDirectory()
    {
        var provider = (YamlMappingNode)((YamlSequenceNode)Yaml(Repository.PathOf("grafana", "provisioning", "dashboards", "dashboards.yml"))["providers"]).Children.Single();
        var options = (YamlMappingNode)provider["options"];
        var grafana = (YamlMappingNode)((YamlMappingNode)Yaml(Repository.PathOf("docker-compose.yml"))["services"])["grafana"];
        var mounts = ((YamlSequenceNode)grafana["volumes"]).Children.Select(v => ((YamlScalarNode)v).Value!.Split(':')).ToList();

        Assert.Equal("file", ((YamlScalarNode)provider["type"]).Value);
        Assert.Equal("true", ((YamlScalarNode)options["foldersFromFilesStructure"]).Value);
        Assert.False(provider.Children.ContainsKey("folder") || provider.Children.ContainsKey("folderUid"), "folder must be unset with foldersFromFilesStructure");
        Assert.Contains(mounts, m => m[0] == "./grafana/dashboards" && m[1] == ((YamlScalarNode)options["path"]).Value);
        Assert.Contains(mounts, m => m[0] == "./grafana/provisioning" && m[1] == "/etc/grafana/provisioning");
        Assert.Equal(["customer-success", "executive", "product", "sre"],
            Directory.GetDirectories(DashboardFiles.Directory).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray());
    }

    private static IEnumerable<JsonObject> DataSourceReferences(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "datasource" && p.Value is JsonObject r ? [r] : p.Value is null ? [] : DataSourceReferences(p.Value)),
        JsonArray a => a.SelectMany(n => n is null ? [] : DataSourceReferences(n)),
        _ => [],
    };

    private static string[] ProvisionedDataSourceUids() =>
    [
        .. ((YamlSequenceNode)Yaml(Repository.PathOf("grafana", "provisioning", "datasources", "datasources.yml"))["datasources"]).Children
            .Cast<YamlMappingNode>().Where(d => ((YamlScalarNode)d["type"]).Value == "prometheus").Select(d => ((YamlScalarNode)d["uid"]).Value!),
    ];

    private static YamlMappingNode Yaml(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    [GeneratedRegex(@"^label_values\(.+, *[a-z_]+\)$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"sloth_window: ""(?<window>[0-9]+[mhdw])""")]
    private static partial Regex RuleWindow();

    [GeneratedRegex(@"> \((?<factor>[0-9.]+) \*")]
    private static partial Regex RuleFactor();

    [GeneratedRegex(@"\b[0-9]+[mhdw]\b")]
    private static partial Regex DescribedWindow();

    [GeneratedRegex(@"\b(?<factor>[0-9]+(\.[0-9]+)?)x\b")]
    private static partial Regex DescribedFactor();

    [GeneratedRegex(@"\b(increase|rate)\([^\[]+\[(?<range>[^\]]+)\]")]
    private static partial Regex CounterRange();

    [GeneratedRegex(@"^label_values\((?<metric>[a-z_:]+)")]
    private static partial Regex PlanSource();
}
