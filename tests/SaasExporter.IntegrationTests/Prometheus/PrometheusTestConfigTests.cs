using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Prometheus;

/// <summary>The configuration the tests give the real Prometheus is valid and derived from the shipped one.</summary>
public sealed class PrometheusTestConfigTests
{
    [Fact]
    public async Task GeneratedConfig_PassesPromtoolCheckConfig()
    {
        var directory = Directory.CreateTempSubdirectory("saas-exporter-promconfig-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), PrometheusTestConfig.Generate("127.0.0.1:9841", "127.0.0.1:9090"));

            var (exitCode, output) = await Promtool.RunAsync(["check", "config", "prometheus.yml"], directory);

            Assert.True(exitCode == 0, output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void GeneratedConfig_ScrapesTheGivenTargetsWithTheRepositoryRulesAndNoAlertmanager()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(PrometheusTestConfig.Generate("127.0.0.1:1234", "127.0.0.1:5678")));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;

        var targets = ((YamlSequenceNode)root["scrape_configs"]).Children.Cast<YamlMappingNode>().ToDictionary(
            j => ((YamlScalarNode)j["job_name"]).Value!,
            j => ((YamlScalarNode)((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)j["static_configs"]).Children[0])["targets"]).Children[0]).Value);
        var rules = ((YamlSequenceNode)root["rule_files"]).Children.Select(r => ((YamlScalarNode)r).Value!).ToList();

        Assert.Equal(new Dictionary<string, string?> { ["saas-exporter"] = "127.0.0.1:1234", ["prometheus"] = "127.0.0.1:5678" }, targets);
        Assert.Equal("1s", ((YamlScalarNode)((YamlMappingNode)root["global"])["evaluation_interval"]).Value);
        Assert.Contains(Repository.PathOf("prometheus", "rules", "*.yml"), rules);
        Assert.Contains(Repository.PathOf("prometheus", "rules", "slo", "*.yml"), rules);
        Assert.False(root.Children.ContainsKey("alerting"));
    }
}
