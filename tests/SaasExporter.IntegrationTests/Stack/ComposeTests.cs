using System.Diagnostics;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>docker-compose.yml checked without a Docker engine: Debian's docker-compose, and the files it points at.</summary>
public sealed partial class ComposeTests
{
    private static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Services => (YamlMappingNode)Load(Repository.PathOf("docker-compose.yml"))["services"];

    private static IEnumerable<(string Service, YamlMappingNode Node)> AllServices() =>
        Services.Children.Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value));

    private static IEnumerable<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlSequenceNode)value).Children.Select(c => ((YamlScalarNode)c).Value!) : [];

    [Fact]
    public async Task DockerCompose_ConfigIsValid()
    {
        var tool = new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("docker-compose not found: install it with `apt-get install docker-compose` (tests/run does this)");
        var start = new ProcessStartInfo(tool, ["-f", "docker-compose.yml", "config", "-q"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, stderr);
    }

    [Fact]
    public void EveryBindMount_PointsAtAFileOrDirectoryOfTheRepository()
    {
        var mounts = AllServices().SelectMany(s => Sequence(s.Node, "volumes").Select(v => (s.Service, Volume: v)))
            .Where(m => m.Volume.StartsWith("./", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(mounts);
        Assert.All(mounts, m =>
        {
            var source = Repository.PathOf(m.Volume.Split(':')[0][2..]);
            Assert.True(File.Exists(source) || Directory.Exists(source), $"{m.Service} mounts {m.Volume}, which does not exist");
            Assert.EndsWith(":ro", m.Volume, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void EveryImage_IsPinnedToAVersion()
    {
        var images = AllServices().Select(s => (s.Service, Image: s.Node.Children.TryGetValue("image", out var i) ? ((YamlScalarNode)i).Value! : ""))
            .ToList();

        Assert.All(images, i => Assert.Matches(PinnedImage(), i.Image));
    }

    [Fact]
    public void PublishedPorts_AreOnLocalhostOnly()
    {
        var ports = AllServices().SelectMany(s => Sequence(s.Node, "ports").Select(p => (s.Service, Port: p))).ToList();

        Assert.NotEmpty(ports);
        Assert.All(ports, p => Assert.StartsWith("127.0.0.1:", p.Port, StringComparison.Ordinal));
    }

    [Fact]
    public void PortsAndUrls_AgreeAcrossComposePrometheusAndGrafana()
    {
        var services = Services;
        var exporterEnvironment = (YamlMappingNode)((YamlMappingNode)services["exporter"])["environment"];
        var exporterPort = ((YamlScalarNode)exporterEnvironment["SAAS_EXPORTER_Listen"]).Value!.Split(':')[^1];

        var prometheus = Load(Repository.PathOf("prometheus", "prometheus.yml"));
        var targets = ((YamlSequenceNode)prometheus["scrape_configs"]).Children.Cast<YamlMappingNode>()
            .ToDictionary(job => ((YamlScalarNode)job["job_name"]).Value!, job => FirstTarget(job));
        var alertmanagers = (YamlSequenceNode)((YamlMappingNode)prometheus["alerting"])["alertmanagers"];
        var alertmanagerTarget = FirstTarget((YamlMappingNode)alertmanagers.Children[0]);

        Assert.Equal($"exporter:{exporterPort}", targets["saas-exporter"]);
        Assert.Contains("127.0.0.1:9841:9841", Sequence((YamlMappingNode)services["exporter"], "ports"));
        Assert.Equal("alertmanager:9093", alertmanagerTarget);
        Assert.Contains("127.0.0.1:9093:9093", Sequence((YamlMappingNode)services["alertmanager"], "ports"));
        Assert.Contains("127.0.0.1:9090:9090", Sequence((YamlMappingNode)services["prometheus"], "ports"));

        var datasources = ((YamlSequenceNode)Load(Repository.PathOf("grafana", "provisioning", "datasources", "datasources.yml"))["datasources"])
            .Children.Cast<YamlMappingNode>()
            .ToDictionary(d => ((YamlScalarNode)d["uid"]).Value!, d => ((YamlScalarNode)d["url"]).Value!);
        Assert.Equal("http://prometheus:9090", datasources["prometheus"]);
        Assert.Equal("http://alertmanager:9093", datasources["alertmanager"]);
    }

    private static string FirstTarget(YamlMappingNode withStaticConfigs)
    {
        var staticConfig = (YamlMappingNode)((YamlSequenceNode)withStaticConfigs["static_configs"]).Children[0];
        return ((YamlScalarNode)((YamlSequenceNode)staticConfig["targets"]).Children[0]).Value!;
    }

    // name:tag with a version-like tag (never latest), optionally a digest.
    [GeneratedRegex(@"^[a-z0-9./-]+:v?[0-9]+(\.[0-9]+)*(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?$")]
    private static partial Regex PinnedImage();
}
