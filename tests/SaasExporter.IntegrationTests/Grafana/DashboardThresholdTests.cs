using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// One source of truth for "good": a panel showing an SLI turns green exactly at the objective of its SLO in
/// prometheus/slos/*.yaml (OpenSLO v1: <c>timeSliceTarget</c> of a ratio Timeslices SLO, <c>value</c> with <c>op</c>
/// of a thresholdMetric SLO), and the staleness panels turn red where the stale-data page fires.
/// </summary>
public sealed partial class DashboardThresholdTests
{
    /// <summary>SLO name -> the panel (dashboard uid, title) showing its SLI, and the field when the panel shows several.</summary>
    public static readonly IReadOnlyDictionary<string, (string Dashboard, string Panel, string? Field)> PanelOf =
        new Dictionary<string, (string, string, string?)>
        {
            ["daily-active-users"] = ("saas-engagement", "Daily active (DAU)", null),
            ["weekly-active-users"] = ("saas-engagement", "Weekly active (WAU)", null),
            ["monthly-active-users"] = ("saas-engagement", "Monthly active (MAU)", null),
            ["dau-mau-ratio"] = ("saas-engagement", "Stickiness (DAU/MAU)", null),
            ["dau-wau-ratio"] = ("saas-engagement", "DAU/WAU", null),
            ["power-user-ratio"] = ("saas-engagement", "Power users", null),
            ["mobile-app-usage"] = ("saas-engagement", "Mobile share (30 days)", null),
            ["contact-management-usage"] = ("saas-engagement", "Feature adoption ($window)", "contacts"),
            ["deal-pipeline-usage"] = ("saas-engagement", "Feature adoption ($window)", "deals"),
            ["email-integration-usage"] = ("saas-engagement", "Feature adoption ($window)", "email"),
            ["reporting-usage"] = ("saas-engagement", "Feature adoption ($window)", "reports"),
            ["user-activation-rate"] = ("saas-activation-retention", "Activation rate", null),
            ["onboarding-completion"] = ("saas-activation-retention", "Onboarding completion", null),
            ["time-to-first-value"] = ("saas-activation-retention", "Time to first value (median)", null),
            ["user-resurrection-rate"] = ("saas-activation-retention", "Resurrection rate (30 days)", null),
            ["day7-retention"] = ("saas-activation-retention", "Retention D1 / D7 / D30 / D90", "D7"),
            ["day30-retention"] = ("saas-activation-retention", "Retention D1 / D7 / D30 / D90", "D30"),
            ["cohort-retention-90d"] = ("saas-activation-retention", "Retention D1 / D7 / D30 / D90", "D90"),
            ["monthly-churn-rate"] = ("saas-revenue", "Customer churn by billing interval (30 days)", "month"),
            ["deal-win-rate"] = ("saas-crm", "Win rate", null),
            ["sales-cycle-length"] = ("saas-crm", "Sales cycle", null),
            ["exporter-data-freshness"] = ("saas-exporter-health", "Data age in poll intervals", null),
        };

    /// <summary>SLOs no panel colours, with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> WithoutPanel = new Dictionary<string, string>
    {
        ["deals-created-rate"] = "the SLO counts deals of one day; the CRM board shows totals over $window (7d, 30d, 90d), which a daily objective cannot colour",
        ["contact-creation-rate"] = "the SLO counts contacts of one day; the CRM board shows totals over $window (7d, 30d, 90d)",
        ["emails-sent-per-user"] = "the SLO is e-mails per daily active user over one day; the CRM board shows e-mails per active user over $window",
        ["exporter-poll-success"] = "its SLI is a ratio of poll counters over the SLO windows; the exporter board shows poll counts per interval, not that ratio",
    };

    public static TheoryData<string> Slos() => [.. Objectives().Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void EverySlo_HasAPanelOrAReasonWhyNot_AndNoListNamesAMissingSloOrPanel()
    {
        var slos = Objectives().Keys.ToHashSet();
        var panels = DashboardFiles.All().SelectMany(d => DashboardFiles.Panels(d.Dashboard).Select(p => ((string)d.Dashboard["uid"]!, (string)p["title"]!))).ToHashSet();

        Assert.Equal(slos.Order(StringComparer.Ordinal), PanelOf.Keys.Concat(WithoutPanel.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(PanelOf.Keys.Intersect(WithoutPanel.Keys));
        Assert.All(PanelOf.Values, p => Assert.Contains((p.Dashboard, p.Panel), panels));
    }

    [Theory]
    [MemberData(nameof(Slos))]
    public void SloPanel_TurnsGreenExactlyAtTheSloObjective(string slo)
    {
        if (WithoutPanel.TryGetValue(slo, out var reason))
        {
            Assert.False(string.IsNullOrWhiteSpace(reason));
            return;
        }

        var objective = Objectives()[slo] ?? throw new InvalidOperationException($"{slo} is a ratio SLO budgeted by occurrences: no instant objective to colour a panel with");
        var (uid, title, field) = PanelOf[slo];
        var steps = Steps(uid, title, field);
        var where = $"'{title}'{(field is null ? "" : $" field {field}")} ({string.Join(", ", steps.Select(s => $"{s.Color}@{s.Value?.ToString(CultureInfo.InvariantCulture) ?? "base"}"))})";

        if (objective.HigherIsBetter)
        {
            // Below the objective nothing is green; from the objective up everything is.
            var green = steps.FindIndex(s => s.Color == "green");
            Assert.True(green > 0, $"{where}: no green step above the base for {slo} ({objective})");
            Assert.Equal(objective.Value, steps[green].Value);
            Assert.All(steps.Skip(green), s => Assert.Equal("green", s.Color));
        }
        else
        {
            // Green from the base up to the objective, never green from it on (Grafana steps start at their value, so
            // for op lte the boundary value itself is drawn in the bad colour).
            Assert.True(steps[0].Color == "green", $"{where}: the base step must be green for {slo} ({objective})");
            Assert.True(steps.Count > 1, $"{where}: no step leaves green at the objective of {slo} ({objective})");
            Assert.Equal(objective.Value, steps[1].Value);
            Assert.All(steps.Skip(1), s => Assert.NotEqual("green", s.Color));
        }
    }

    [Theory]
    [InlineData("Oldest data")]
    [InlineData("Data age in poll intervals")]
    public void StalenessPanel_CountsPollIntervalsAndTurnsRedAtTheStaleDataAlertThreshold(string title)
    {
        // The rule that ages the last success (the other SaasExporterDataStale watches collectors that never succeeded).
        var rule = AlertingRules("SaasExporterDataStale").First(r => StaleThreshold().IsMatch(r));
        var match = StaleThreshold().Match(rule);
        Assert.True(match.Success, $"SaasExporterDataStale no longer reads `... / saas_exporter_collector_interval_seconds > N`: `{rule}`");
        var threshold = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        var panel = Panel("saas-exporter-health", title);
        var steps = Steps("saas-exporter-health", title, null);
        var expr = (string)DashboardFiles.Targets(panel).Single()["expr"]!;

        Assert.Contains("/ saas_exporter_collector_interval_seconds", expr, StringComparison.Ordinal);
        Assert.Contains("time() - saas_exporter_collector_last_success_timestamp_seconds", expr, StringComparison.Ordinal);
        Assert.Equal("red", steps.Last().Color);
        Assert.Equal(threshold, steps.Last().Value);
        Assert.All(steps.SkipLast(1), s => Assert.True(s.Value is null || s.Value < threshold, $"'{title}': {s.Color}@{s.Value} is not below {threshold}"));
    }

    /// <summary>
    /// Every SLO's objective as a panel would colour it; null for a ratio SLO budgeted by occurrences, whose objective is
    /// a share of good events over its whole window and no instant value of a panel.
    /// </summary>
    public static IReadOnlyDictionary<string, Objective?> Objectives()
    {
        var documents = new List<(string File, YamlMappingNode Document)>();
        foreach (var file in Directory.GetFiles(Repository.PathOf("prometheus", "slos"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                yaml.Load(reader);
            }

            documents.AddRange(yaml.Documents.Select(d => (file, (YamlMappingNode)d.RootNode)));
        }

        var indicators = documents.Where(d => Scalar(d.Document, "kind") == "SLI")
            .ToDictionary(d => Scalar((YamlMappingNode)d.Document["metadata"], "name")!, d => (YamlMappingNode)d.Document["spec"]);
        var objectives = new Dictionary<string, Objective?>();
        foreach (var (file, document) in documents.Where(d => Scalar(d.Document, "kind") == "SLO"))
        {
            var name = Scalar((YamlMappingNode)document["metadata"], "name")!;
            var spec = (YamlMappingNode)document["spec"];
            var objective = (YamlMappingNode)((YamlSequenceNode)spec["objectives"]).Children[0];
            var indicator = spec.Children.TryGetValue(new YamlScalarNode("indicator"), out var inline)
                ? (YamlMappingNode)((YamlMappingNode)inline)["spec"]
                : indicators[Scalar(spec, "indicatorRef") ?? throw new InvalidOperationException($"{file}: SLO {name} has no indicator")];
            objectives[name] = indicator.Children.ContainsKey("ratioMetric")
                ? Scalar(spec, "budgetingMethod") == "Timeslices" ? new Objective(Number(objective, "timeSliceTarget", name, file), true) : null
                : new Objective(Number(objective, "value", name, file), Scalar(objective, "op") switch
                {
                    "gte" or "gt" => true,
                    "lte" or "lt" => false,
                    var op => throw new InvalidOperationException($"{file}: SLO {name} has op '{op}'"),
                });
        }

        return objectives;
    }

    private static double Number(YamlMappingNode node, string key, string slo, string file) =>
        Scalar(node, key) is { } text
            ? double.Parse(text, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{file}: SLO {slo} has no {key}: a panel cannot take its colours from it");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static JsonObject Panel(string uid, string title) =>
        DashboardFiles.Panels(DashboardFiles.All().Single(d => (string?)d.Dashboard["uid"] == uid).Dashboard).Single(p => (string?)p["title"] == title);

    /// <summary>The threshold steps of the field: its byName override if it has one, else the panel defaults.</summary>
    private static List<(string Color, double? Value)> Steps(string uid, string title, string? field)
    {
        var fieldConfig = Panel(uid, title)["fieldConfig"]!;
        var thresholds = fieldConfig["defaults"]!["thresholds"];
        if (field is not null)
        {
            var byName = fieldConfig["overrides"]!.AsArray()
                .Where(o => (string?)o!["matcher"]!["id"] == "byName" && (string?)o["matcher"]!["options"] == field)
                .SelectMany(o => o!["properties"]!.AsArray()).SingleOrDefault(p => (string?)p!["id"] == "thresholds");
            thresholds = byName?["value"] ?? throw new InvalidOperationException($"'{title}' has no thresholds override for field {field}");
        }

        Assert.Equal("absolute", (string?)thresholds!["mode"]);
        return [.. thresholds["steps"]!.AsArray().Select(s => ((string)s!["color"]!, (double?)s["value"]))];
    }

    private static IReadOnlyList<string> AlertingRules(string name)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Repository.PathOf("prometheus", "rules", "exporter_alerts.yml")))
        {
            yaml.Load(reader);
        }

        return ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"]).Children
            .SelectMany(g => ((YamlSequenceNode)((YamlMappingNode)g)["rules"]).Children.Cast<YamlMappingNode>())
            .Where(r => Scalar(r, "alert") == name).Select(r => Scalar(r, "expr")!).ToList();
    }

    [GeneratedRegex(@"/\s*\(?saas_exporter_collector_interval_seconds(?:\s*>\s*0\))?\s*>\s*(?<value>[0-9.]+)")]
    private static partial Regex StaleThreshold();

    public sealed record Objective(double Value, bool HigherIsBetter);
}
