using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Backfill;

/// <summary>
/// docker-compose.yml's history services, checked without a Docker engine (BackfillHistoryScriptTests runs the same
/// steps with the real binaries): the backfill computes with the live exporter's settings, the install uses the
/// backfill's step and the shipped script, and Prometheus starts only after both completed.
/// </summary>
public sealed partial class ComposeHistoryTests
{
    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Repository.PathOf("docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services()[name];

    private static Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service)["environment"]).Children
            .ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!);

    private static string Command(string service) =>
        string.Join(' ', ((YamlSequenceNode)Service(service)["command"]).Children.Select(c => ((YamlScalarNode)c).Value));

    private static string DependsOn(string service, string on) =>
        ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)Service(service)["depends_on"])[on])["condition"]).Value!;

    [Fact]
    public void TheBackfillComputesWithTheLiveExportersSettings()
    {
        var live = Environment("exporter");
        live.Remove("SAAS_EXPORTER_Listen");

        Assert.Equal(live.OrderBy(e => e.Key, StringComparer.Ordinal), Environment("history-backfill").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void TheInstallUsesTheBackfillsStepAndFile()
    {
        var backfill = Command("history-backfill");
        var install = Command("history-install");

        Assert.Equal(Step().Match(backfill).Groups[1].Value, Step().Match(install).Groups[1].Value);
        Assert.Equal("1d", Step().Match(backfill).Groups[1].Value);
        Assert.Contains("--output /history/history.om", backfill, StringComparison.Ordinal);
        Assert.Contains("--input /history/history.om", install, StringComparison.Ordinal);
        Assert.Contains("--from now-180d", backfill, StringComparison.Ordinal);
    }

    [Fact]
    public void TheInstallRunsTheShippedScriptOnPrometheusDataVolume()
    {
        var install = Command("history-install");
        var volumes = ((YamlSequenceNode)Service("history-install")["volumes"]).Children.Select(c => ((YamlScalarNode)c).Value).ToList();

        Assert.Contains("sh /etc/prometheus/backfill-history.sh ", install, StringComparison.Ordinal);
        Assert.True(File.Exists(Repository.PathOf("prometheus", "backfill-history.sh")));
        Assert.Contains("./prometheus:/etc/prometheus:ro", volumes);
        Assert.Contains("--data-dir /prometheus", install, StringComparison.Ordinal);
        Assert.Contains("prometheus-data:/prometheus", volumes);
        Assert.Equal(((YamlScalarNode)Service("prometheus")["image"]).Value, ((YamlScalarNode)Service("history-install")["image"]).Value);
    }

    [Fact]
    public void PrometheusStartsOnlyAfterTheHistoryIsInstalled()
    {
        Assert.Equal("service_completed_successfully", DependsOn("history-backfill", "seed"));
        Assert.Equal("service_completed_successfully", DependsOn("history-install", "history-backfill"));
        Assert.Equal("service_completed_successfully", DependsOn("prometheus", "history-install"));
    }

    [Fact]
    public void EachOneShotServiceDoesNothingOnceItsOutputExists()
    {
        Assert.StartsWith("test -s /history/history.om || ", Command("history-backfill"), StringComparison.Ordinal);
        Assert.StartsWith("test -f /prometheus/.history-installed || ", Command("history-install"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"--step (\S+)")]
    private static partial Regex Step();
}
