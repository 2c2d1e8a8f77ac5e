using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Prometheus;

/// <summary>
/// A temporary directory laid out like prometheus/: slos/billing.yaml (the shipped exporter poll-success SLO, with its
/// page and ticket tiers, renamed and owned by team billing) beside an alertmanager.yml, compiled by the real binary.
/// </summary>
internal sealed class BillingWorkspace : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("saas-exporter-billing-");

    public BillingWorkspace(string alertmanagerYaml)
    {
        var shipped = File.ReadAllText(Repository.PathOf("prometheus", "slos", "exporter.yaml"));
        var pollSuccess = shipped[..shipped.IndexOf("\n---\napiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: exporter-data-freshness", StringComparison.Ordinal)];
        var billing = pollSuccess.Replace("name: exporter-poll-success\n  displayName", "name: invoice-poll-success\n  displayName", StringComparison.Ordinal)
            .Replace("team: sre", "team: billing", StringComparison.Ordinal);
        Assert.Contains("team: billing", billing, StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_root.FullName, "slos"));
        File.WriteAllText(SloFile, billing + "\n");
        File.WriteAllText(AlertmanagerFile, alertmanagerYaml);
    }

    public string SloFile => Path.Combine(_root.FullName, "slos", "billing.yaml");

    public string AlertmanagerFile => Path.Combine(_root.FullName, "alertmanager.yml");

    private string RulesFile => Path.Combine(_root.FullName, "rules", "slo", "invoice-poll-success.yml");

    public Task<ExporterProcess.Result> GenerateAsync() => ExporterProcess.RunAsync(
        ["slo", "generate", "--in", Path.Combine(_root.FullName, "slos"), "--rules", Path.Combine(_root.FullName, "rules", "slo"), "--tests", Path.Combine(_root.FullName, "tests", "slo")]);

    /// <summary>The labels of every burn-rate alert the compiler wrote, as Prometheus would send them (plus stack).</summary>
    public IReadOnlyList<Dictionary<string, string>> BurnAlerts()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(RulesFile))
        {
            yaml.Load(reader);
        }

        var rules = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"]).Children
            .SelectMany(g => ((YamlSequenceNode)((YamlMappingNode)g)["rules"]).Children.Cast<YamlMappingNode>())
            .Where(r => r.Children.TryGetValue(new YamlScalarNode("alert"), out var name) && ((YamlScalarNode)name).Value == "SLOErrorBudgetBurn");
        var alerts = rules.Select(r =>
        {
            var labels = ((YamlMappingNode)r["labels"]).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!);
            labels["alertname"] = "SLOErrorBudgetBurn";
            labels["stack"] = "saas-exporter";
            return labels;
        }).ToList();
        Assert.Equal(["page", "ticket"], alerts.Select(a => a["severity"]).Order(StringComparer.Ordinal));
        Assert.All(alerts, a => Assert.Equal("billing", a["team"]));
        return alerts;
    }

    public void Dispose() => _root.Delete(recursive: true);
}
