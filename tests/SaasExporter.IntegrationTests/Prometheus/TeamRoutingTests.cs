using System.Net.Http.Json;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Prometheus;

/// <summary>
/// SLO teams are configuration (issue 20 item 6): an objective of a team the repository has never heard of (billing)
/// compiles with the real <c>slo generate</c>, which warns that the team has no route; its generated alerts reach the
/// default ticket receiver of the shipped prometheus/alertmanager.yml, never a pager; and with the two blocks of
/// docs/alerts.md ("Add a team") applied as written, its page and ticket reach the billing receivers of a real Alertmanager.
/// </summary>
public sealed partial class TeamRoutingTests
{
    [Fact]
    public async Task BillingObjective_WithoutARoute_WarnsAndTicketsTheDefaultReceiver()
    {
        using var work = new BillingWorkspace(File.ReadAllText(Repository.PathOf("prometheus", "alertmanager.yml")));

        var result = await work.GenerateAsync();

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains($"warning: {work.SloFile}: SLO/invoice-poll-success: metadata.labels.team: 'billing' has no route in {work.AlertmanagerFile}: its alerts go to the default receiver, never a pager (docs/alerts.md, \"Add a team\")", result.StderrLines);
        var notified = await EachNotifiedAsync(work.BurnAlerts(), configFile: null);
        Assert.Equal(["/tickets/unrouted page", "/tickets/unrouted ticket"], notified);
    }

    [Fact]
    public async Task BillingObjective_WithTheDocsRoute_PagesAndTicketsTheBillingReceivers()
    {
        using var work = new BillingWorkspace(ShippedConfigWithTheDocsExample());

        var result = await work.GenerateAsync();

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.DoesNotContain(result.StderrLines, l => l.Contains("has no route", StringComparison.Ordinal));
        var notified = await EachNotifiedAsync(work.BurnAlerts(), work.AlertmanagerFile);
        Assert.Equal(["/page/billing page", "/tickets/billing ticket"], notified);
    }

    [Theory]
    [InlineData("billing-pager", "severity=page")]
    [InlineData("billing-tickets", "severity=ticket")]
    [InlineData("billing-tickets", "alertname=SLODataStale", "severity=ticket")]
    public async Task DocsExample_RoutesWithAmtool(string receiver, params string[] labels)
    {
        using var work = new BillingWorkspace(ShippedConfigWithTheDocsExample());

        var (exitCode, output) = await Amtool.RunAsync(["config", "routes", "test", $"--config.file={work.AlertmanagerFile}", $"--verify.receivers={receiver}", "team=billing", .. labels]);

        Assert.True(exitCode == 0, $"{string.Join(' ', labels)} -> {output.Trim()} (expected {receiver})");
    }

    /// <summary>The shipped configuration with docs/alerts.md's route appended to route.routes and its receivers to receivers.</summary>
    private static string ShippedConfigWithTheDocsExample()
    {
        var blocks = DocsExampleBlocks();
        Assert.Equal(2, blocks.Count);
        var yaml = Load(File.ReadAllText(Repository.PathOf("prometheus", "alertmanager.yml")));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var routes = (YamlSequenceNode)((YamlMappingNode)root["route"])["routes"];
        var receivers = (YamlSequenceNode)root["receivers"];
        foreach (var route in ((YamlSequenceNode)Load(blocks[0]).Documents[0].RootNode).Children)
        {
            routes.Add(route);
        }

        foreach (var receiver in ((YamlSequenceNode)Load(blocks[1]).Documents[0].RootNode).Children)
        {
            receivers.Add(receiver);
        }

        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>The yaml code blocks of the "Add a team" section of docs/alerts.md, indentation of the list removed.</summary>
    private static List<string> DocsExampleBlocks()
    {
        var docs = File.ReadAllText(Repository.PathOf("docs", "alerts.md"));
        var start = docs.IndexOf("\n## Add a team", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/alerts.md has no section \"Add a team\"");
        var end = docs.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? docs[start..] : docs[start..end];
        return [.. YamlBlock().Matches(section).Select(m =>
        {
            var indent = m.Groups["indent"].Value.Length;
            return string.Join('\n', m.Groups["body"].Value.Split('\n').Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        })];
    }

    private static YamlStream Load(string text)
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(text);
        yaml.Load(reader);
        return yaml;
    }

    /// <summary>
    /// Each alert alone through its own Alertmanager (together, the page of an SLO inhibits its ticket, as it should):
    /// "receiver path, severity" per notified alert, sorted.
    /// </summary>
    private static async Task<List<string>> EachNotifiedAsync(IReadOnlyList<Dictionary<string, string>> alerts, string? configFile)
    {
        var notified = new List<string>();
        foreach (var alert in alerts)
        {
            notified.AddRange(await NotifiedAsync([alert], configFile));
        }

        return [.. notified.Order(StringComparer.Ordinal)];
    }

    /// <summary>Posts the alerts to a real Alertmanager and returns "receiver path, severity" per notified alert, sorted.</summary>
    private static async Task<List<string>> NotifiedAsync(IReadOnlyList<Dictionary<string, string>> alerts, string? configFile)
    {
        await using var sink = await WebhookSink.StartAsync();
        await using var alertmanager = await AlertmanagerServer.StartAsync(sink.Address, configFile);
        using var client = new HttpClient { BaseAddress = alertmanager.Address };
        var body = alerts.Select(labels => new { labels, annotations = new Dictionary<string, string> { ["summary"] = "test" } }).ToList();
        using (var response = await client.PostAsJsonAsync("api/v2/alerts", body))
        {
            response.EnsureSuccessStatusCode();
        }

        await sink.WaitUntilQuietAsync(quiet: TimeSpan.FromSeconds(3), atLeast: TimeSpan.FromSeconds(5), limit: TimeSpan.FromSeconds(30));
        return [.. sink.Received.SelectMany(n => n.Alerts.Select(a => $"{n.Path} {a.Labels["severity"]}")).Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"(?<indent>[ ]*)```yaml\n(?<body>.*?)\n[ ]*```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
