using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A test-only Prometheus configuration derived from the shipped prometheus/prometheus.yml (never edited): the
/// saas-exporter job scrapes the exporter under test, Prometheus scrapes itself, scrapes and rule evaluations happen
/// every second, rule files are the repository's own (absolute paths, plus the generated SLO rules in rules/slo/ when
/// they exist; Prometheus allows a wildcard only in the last path element), and Alertmanager targets are dropped.
/// </summary>
public static class PrometheusTestConfig
{
    public const string ExporterJob = "saas-exporter";

    /// <summary>
    /// The test configuration. With <paramref name="alertmanagerTarget"/>, alerts go to that Alertmanager. With
    /// <paramref name="rewriteRules"/> (file name, content -> content), every rule file is copied through it into <paramref name="rulesCopy"/> and the copies
    /// are loaded instead (time-compressed <c>for:</c> durations for an end-to-end test, say).
    /// </summary>
    public static string Generate(string exporterTarget, string selfTarget, string? shippedConfig = null,
        string? alertmanagerTarget = null, Func<string, string, string>? rewriteRules = null, string? rulesCopy = null) =>
        Generate([exporterTarget], selfTarget, shippedConfig, alertmanagerTarget, rewriteRules, rulesCopy);

    /// <summary>The test configuration with several exporter replicas as targets of the saas-exporter job.</summary>
    public static string Generate(IReadOnlyList<string> exporterTargets, string selfTarget, string? shippedConfig = null,
        string? alertmanagerTarget = null, Func<string, string, string>? rewriteRules = null, string? rulesCopy = null)
    {
        var directory = Repository.PathOf("prometheus");
        var yaml = new YamlStream();
        using (var reader = new StreamReader(shippedConfig ?? Path.Combine(directory, "prometheus.yml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var global = (YamlMappingNode)root["global"];
        global.Children[new YamlScalarNode("scrape_interval")] = new YamlScalarNode("1s");
        global.Children[new YamlScalarNode("scrape_timeout")] = new YamlScalarNode("1s");
        global.Children[new YamlScalarNode("evaluation_interval")] = new YamlScalarNode("1s");

        var ruleFiles = ((YamlSequenceNode)root["rule_files"]).Children
            .Select(f => Path.GetFullPath(Path.Combine(directory, ((YamlScalarNode)f).Value!)))
            .Append(Path.Combine(directory, "rules", "slo", "*.yml"))
            .Distinct(StringComparer.Ordinal);
        if (rewriteRules is not null && rulesCopy is not null)
        {
            ruleFiles = [.. CopyRules(ruleFiles, rewriteRules, rulesCopy)];
        }

        root.Children[new YamlScalarNode("rule_files")] = new YamlSequenceNode(ruleFiles.Select(f => new YamlScalarNode(f)));
        root.Children.Remove(new YamlScalarNode("alerting"));
        if (alertmanagerTarget is not null)
        {
            root.Children[new YamlScalarNode("alerting")] = new YamlMappingNode(
                new YamlScalarNode("alertmanagers"), new YamlSequenceNode(new YamlMappingNode(
                    new YamlScalarNode("static_configs"), new YamlSequenceNode(new YamlMappingNode(
                        new YamlScalarNode("targets"), new YamlSequenceNode(new YamlScalarNode(alertmanagerTarget)))))));
        }

        var jobs = new YamlSequenceNode();
        foreach (var job in ((YamlSequenceNode)root["scrape_configs"]).Children.Cast<YamlMappingNode>())
        {
            IReadOnlyList<string>? targets = ((YamlScalarNode)job["job_name"]).Value switch
            {
                ExporterJob => exporterTargets,
                "prometheus" => [selfTarget],
                _ => null,
            };
            if (targets is not null)
            {
                job.Children[new YamlScalarNode("static_configs")] = new YamlSequenceNode(
                    new YamlMappingNode(new YamlScalarNode("targets"), new YamlSequenceNode(targets.Select(t => new YamlScalarNode(t)))));
                jobs.Add(job);
            }
        }

        root.Children[new YamlScalarNode("scrape_configs")] = jobs;

        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>
    /// The test configuration of one HA replica, from the shipped prometheus/prometheus-ha.yml: as <see cref="Generate(IReadOnlyList{string}, string, string?, string?, Func{string, string, string}?, string?)"/>,
    /// with the shipped external labels (the replica label from the environment), alert relabelling and remote-write
    /// relabelling kept, the cluster's Alertmanagers and the store pointed at the test's servers, and remote write
    /// flushed every second.
    /// </summary>
    public static string GenerateReplica(IReadOnlyList<string> exporterTargets, string selfTarget, IReadOnlyList<string> alertmanagerTargets,
        Uri remoteWrite, Func<string, string, string>? rewriteRules, string rulesCopy)
    {
        var shipped = Repository.PathOf("prometheus", "prometheus-ha.yml");
        var shippedRoot = Load(shipped);
        var yaml = new YamlStream();
        using (var reader = new StringReader(Generate(exporterTargets, selfTarget, shipped, rewriteRules: rewriteRules, rulesCopy: rulesCopy)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var alerting = (YamlMappingNode)shippedRoot["alerting"];
        var targets = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)alerting["alertmanagers"])[0])["static_configs"])[0];
        targets.Children[new YamlScalarNode("targets")] = new YamlSequenceNode(alertmanagerTargets.Select(t => new YamlScalarNode(t)));
        root.Children[new YamlScalarNode("alerting")] = alerting;

        var remote = (YamlMappingNode)((YamlSequenceNode)shippedRoot["remote_write"])[0];
        remote.Children[new YamlScalarNode("url")] = new YamlScalarNode(remoteWrite.ToString());
        remote.Children[new YamlScalarNode("queue_config")] = new YamlMappingNode(
            new YamlScalarNode("batch_send_deadline"), new YamlScalarNode("1s"));
        root.Children[new YamlScalarNode("remote_write")] = shippedRoot["remote_write"];

        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static IEnumerable<string> CopyRules(IEnumerable<string> patterns, Func<string, string, string> rewrite, string directory)
    {
        var index = 0;
        foreach (var pattern in patterns)
        {
            var folder = Path.GetDirectoryName(pattern)!;
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.GetFiles(folder, Path.GetFileName(pattern)).Order(StringComparer.Ordinal))
            {
                var copy = Path.Combine(directory, $"{index++:D3}-{Path.GetFileName(file)}");
                File.WriteAllText(copy, rewrite(Path.GetFileName(file), File.ReadAllText(file)));
                yield return copy;
            }
        }
    }
}
