using System.Diagnostics;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.HighAvailability;

/// <summary>
/// The shipped HA configuration checked without servers: prometheus/prometheus-ha.yml differs from prometheus.yml only
/// where HA needs it, and docker-compose.yml's <c>ha</c> profile runs it with the settings it depends on.
/// </summary>
public sealed class HaConfigurationTests
{
    private static YamlMappingNode Load(params string[] path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Repository.PathOf(path));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)((YamlMappingNode)Load("docker-compose.yml")["services"])[name];

    private static List<string> Scalars(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => ((YamlScalarNode)c).Value!)];

    private static string Text(YamlMappingNode node)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    [Fact]
    public void HaPrometheusConfig_IsTheSingleOne_ExceptReplicaLabelRemoteWriteAndAlertmanagers()
    {
        var single = Load("prometheus", "prometheus.yml");
        var ha = Load("prometheus", "prometheus-ha.yml");

        Assert.Equal("${PROMETHEUS_REPLICA}", ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)ha["global"])["external_labels"])["replica"]).Value);
        foreach (var config in new[] { single, ha })
        {
            ((YamlMappingNode)((YamlMappingNode)config["global"])["external_labels"]).Children.Remove(new YamlScalarNode("replica"));
            config.Children.Remove(new YamlScalarNode("alerting"));
            config.Children.Remove(new YamlScalarNode("remote_write"));
            foreach (var job in ((YamlSequenceNode)config["scrape_configs"]).Children.Cast<YamlMappingNode>()
                         .Where(j => ((YamlScalarNode)j["job_name"]).Value == "alertmanager"))
            {
                job.Children.Remove(new YamlScalarNode("static_configs"));
            }
        }

        Assert.Equal(Text(single), Text(ha));
    }

    [Fact]
    public void HaPrometheusConfig_DropsTheReplicaLabel_FromAlertsAndFromWhatItStores()
    {
        var ha = Load("prometheus", "prometheus-ha.yml");
        var alertRelabel = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)ha["alerting"])["alert_relabel_configs"])[0];
        var writeRelabel = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)ha["remote_write"])[0])["write_relabel_configs"])[0];

        foreach (var rule in new[] { alertRelabel, writeRelabel })
        {
            Assert.Equal("labeldrop", ((YamlScalarNode)rule["action"]).Value);
            Assert.Equal("replica", ((YamlScalarNode)rule["regex"]).Value);
        }
    }

    [Fact]
    public void HaProfile_StoreDeduplicatesAtTheScrapeInterval()
    {
        var scrapeInterval = ((YamlScalarNode)((YamlMappingNode)Load("prometheus", "prometheus-ha.yml")["global"])["scrape_interval"]).Value;

        Assert.Contains($"-dedup.minScrapeInterval={scrapeInterval}", Scalars(Service("victoria-metrics")["command"]));
    }

    [Fact]
    public void HaProfile_RunsTwoReplicasOfTheHaConfig_WithDistinctReplicaLabels()
    {
        var replicas = new[] { "prometheus-a", "prometheus-b" }.Select(Service).ToList();

        Assert.All(replicas, r =>
        {
            Assert.Contains("--config.file=/etc/prometheus/prometheus-ha.yml", Scalars(r["command"]));
            Assert.Contains("--enable-feature=expand-external-labels", Scalars(r["command"]));
            Assert.Equal("ha", Assert.Single(Scalars(r["profiles"])));
        });
        var labels = replicas.Select(r => ((YamlScalarNode)((YamlMappingNode)r["environment"])["PROMETHEUS_REPLICA"]).Value).ToList();
        Assert.Equal(labels.Count, labels.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void HaProfile_AlertmanagersPeerEachOther_AndAreEveryReplicasTargets()
    {
        var members = new[] { "alertmanager-a", "alertmanager-b" };
        var targets = Scalars(((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)Load("prometheus", "prometheus-ha.yml")["alerting"])["alertmanagers"])[0])["static_configs"])[0])["targets"]);

        Assert.Equal(members.Select(m => $"{m}:9093"), targets);
        Assert.All(members, m =>
        {
            var command = Scalars(Service(m)["command"]);
            Assert.All(members, peer => Assert.Contains($"--cluster.peer={peer}:9094", command));
        });
    }

    [Fact]
    public async Task DockerCompose_HaProfile_ConfigIsValid()
    {
        var tool = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("docker-compose not found: install it with `apt-get install docker-compose` (tests/run does this)");
        using var process = Process.Start(new ProcessStartInfo(tool, ["-f", "docker-compose.yml", "--profile", "ha", "config", "-q"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, stderr);
    }
}
