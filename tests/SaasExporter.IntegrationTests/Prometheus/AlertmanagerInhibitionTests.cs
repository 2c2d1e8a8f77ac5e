using System.Net.Http.Json;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Prometheus;

/// <summary>
/// The inhibitions of prometheus/alertmanager.yml in the real Alertmanager: a set of firing alerts, with the labels the
/// shipped rules give them (and <c>stack</c>, the external label Prometheus adds), is posted to its API at once, and the
/// webhook sink shows which of them were notified and which were silenced.
/// </summary>
public sealed class AlertmanagerInhibitionTests
{
    private const string Stack = "saas-exporter";

    [Fact]
    public void EveryInhibitionRule_IsScopedByEqualLabels()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Repository.PathOf("prometheus", "alertmanager.yml")))
        {
            yaml.Load(reader);
        }

        var rules = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["inhibit_rules"]).Children.Cast<YamlMappingNode>().ToList();

        Assert.NotEmpty(rules);
        Assert.All(rules, rule => Assert.True(
            rule.Children.TryGetValue(new YamlScalarNode("equal"), out var equal) && ((YamlSequenceNode)equal).Children.Count > 0,
            $"inhibition {rule["source_matchers"]} -> {rule["target_matchers"]} has no equal: it would silence unrelated alerts"));
    }

    [Fact]
    public async Task StaleCollector_SilencesNoSloAlert()
    {
        var notified = await NotifiedAsync(
            Alert("SaasExporterDataStale", "page", "sre", ("collector", "surveys"), ("instance", "exporter:9841")),
            SloBurn("exporter-poll-success", "saas-exporter", "page", "sre"),
            SloBurn("user-activation-rate", "saas-crm", "ticket", "product"));

        Assert.Equal(
            ["/page SLOErrorBudgetBurn exporter-poll-success", "/page SaasExporterDataStale", "/tickets/product SLOErrorBudgetBurn user-activation-rate"],
            notified);
    }

    [Fact]
    public async Task PageWithoutSlo_DoesNotSilenceTicketsWithoutSlo()
    {
        var notified = await NotifiedAsync(
            Alert("SaasExporterDatabaseDown", "page", "sre", ("instance", "exporter:9841")),
            Alert("SaasExporterRowsRejected", "ticket", "product", ("instance", "exporter:9841"), ("relation", "subscriptions")),
            Alert("PrometheusRuleEvaluationFailures", "ticket", "sre", ("instance", "localhost:9090")));

        Assert.Equal(
            ["/page SaasExporterDatabaseDown", "/tickets/product SaasExporterRowsRejected", "/tickets/sre PrometheusRuleEvaluationFailures"],
            notified);
    }

    [Fact]
    public async Task SloPage_SilencesTheTicketsOfTheSameSloOnly()
    {
        var notified = await NotifiedAsync(
            SloBurn("exporter-poll-success", "saas-exporter", "page", "sre"),
            SloBurn("exporter-poll-success", "saas-exporter", "ticket", "sre"),
            SloBurn("exporter-data-freshness", "saas-exporter", "ticket", "sre"));

        Assert.Equal(["/page SLOErrorBudgetBurn exporter-poll-success", "/tickets/sre SLOErrorBudgetBurn exporter-data-freshness"], notified);
    }

    [Fact]
    public async Task SloDataStale_SilencesItsOwnBurnAlertsOnly()
    {
        var notified = await NotifiedAsync(
            SloStale("dau-mau-ratio", "saas-crm", "product"),
            SloBurn("dau-mau-ratio", "saas-crm", "ticket", "product"),
            SloBurn("user-activation-rate", "saas-crm", "ticket", "product"));

        Assert.Equal(["/tickets/product SLODataStale dau-mau-ratio", "/tickets/product SLOErrorBudgetBurn user-activation-rate"], notified);
    }

    [Fact]
    public async Task DatabaseDown_SilencesFailingAndStaleCollectorsOfThatExporterOnly()
    {
        var notified = await NotifiedAsync(
            Alert("SaasExporterDatabaseDown", "page", "sre", ("instance", "exporter-a:9841")),
            Alert("SaasExporterCollectorFailing", "ticket", "sre", ("instance", "exporter-a:9841"), ("collector", "engagement")),
            Alert("SaasExporterDataStale", "page", "sre", ("instance", "exporter-a:9841"), ("collector", "revenue")),
            Alert("SaasExporterCollectorFailing", "ticket", "sre", ("instance", "exporter-b:9841"), ("collector", "engagement")));

        Assert.Equal(["/page SaasExporterDatabaseDown", "/tickets/sre SaasExporterCollectorFailing"], notified);
    }

    [Fact]
    public async Task ExporterDown_IsOnePage_NotOneTicketPerSlo()
    {
        var notified = await NotifiedAsync(
            Alert("SaasExporterDown", "page", "sre", ("instance", "exporter:9841"), ("job", "saas-exporter")),
            SloStale("dau-mau-ratio", "saas-crm", "product"),
            SloStale("user-activation-rate", "saas-crm", "product"),
            SloStale("exporter-poll-success", "saas-exporter", "sre"));

        Assert.Equal(["/page SaasExporterDown"], notified);
    }

    [Fact]
    public async Task ExporterDown_DoesNotSilenceAnotherStack()
    {
        var other = SloStale("dau-mau-ratio", "saas-crm", "product");
        other["stack"] = "another-product";

        var notified = await NotifiedAsync(Alert("SaasExporterDown", "page", "sre", ("instance", "exporter:9841")), other);

        Assert.Equal(["/page SaasExporterDown", "/tickets/product SLODataStale dau-mau-ratio"], notified);
    }

    [Fact]
    public async Task Watchdog_ReachesTheDeadmanReceiver_AndNothingSilencesIt()
    {
        var notified = await NotifiedAsync(
            Alert("Watchdog", "none", "sre"),
            Alert("SaasExporterDown", "page", "sre", ("instance", "exporter:9841")),
            Alert("SaasExporterDatabaseDown", "page", "sre", ("instance", "exporter:9841")));

        Assert.Equal(["/deadman Watchdog", "/page SaasExporterDatabaseDown", "/page SaasExporterDown"], notified);
    }

    [Fact]
    public async Task DatabaseDown_IsOnePage_NotAlsoTheExporterSlos()
    {
        var notified = await NotifiedAsync(
            Alert("SaasExporterDatabaseDown", "page", "sre", ("instance", "exporter:9841")),
            SloBurn("exporter-poll-success", "saas-exporter", "page", "sre"),
            SloBurn("exporter-data-freshness", "saas-exporter", "ticket", "sre"));

        Assert.Equal(["/page SaasExporterDatabaseDown"], notified);
    }

    [Fact]
    public async Task FailingCollector_SilencesTheExporterSlosOnly_NotBusinessSlos()
    {
        var notified = await NotifiedAsync(
            Alert("SaasExporterCollectorFailing", "ticket", "sre", ("instance", "exporter:9841"), ("collector", "crm_activity")),
            SloBurn("exporter-poll-success", "saas-exporter", "page", "sre"),
            SloBurn("deal-win-rate", "saas-crm", "ticket", "product"));

        Assert.Equal(["/tickets/product SLOErrorBudgetBurn deal-win-rate", "/tickets/sre SaasExporterCollectorFailing"], notified);
    }

    [Fact]
    public async Task DatabaseDownOnTwoReplicas_IsOnePageNotification()
    {
        await using var sink = await WebhookSink.StartAsync();
        await using var alertmanager = await AlertmanagerServer.StartAsync(sink.Address);

        await PostAsync(alertmanager,
            Alert("SaasExporterDatabaseDown", "page", "sre", ("instance", "exporter-a:9841")),
            Alert("SaasExporterDatabaseDown", "page", "sre", ("instance", "exporter-b:9841")));
        await sink.WaitUntilQuietAsync(quiet: TimeSpan.FromSeconds(3), atLeast: TimeSpan.FromSeconds(5), limit: TimeSpan.FromSeconds(30));

        var page = Assert.Single(sink.Received);
        Assert.Equal("/page", page.Path);
        Assert.Equal(2, page.Alerts.Count);
    }

    private static async Task PostAsync(AlertmanagerServer alertmanager, params Dictionary<string, string>[] alerts)
    {
        using var client = new HttpClient { BaseAddress = alertmanager.Address };
        var body = alerts.Select(labels => new { labels, annotations = new Dictionary<string, string> { ["summary"] = "test" } }).ToList();
        using var response = await client.PostAsJsonAsync("api/v2/alerts", body);
        response.EnsureSuccessStatusCode();
    }

    private static Dictionary<string, string> Alert(string name, string severity, string team, params (string Key, string Value)[] labels)
    {
        var all = new Dictionary<string, string> { ["alertname"] = name, ["severity"] = severity, ["team"] = team, ["stack"] = Stack };
        foreach (var (key, value) in labels)
        {
            all[key] = value;
        }

        return all;
    }

    private static Dictionary<string, string> SloBurn(string slo, string service, string severity, string team) =>
        Alert("SLOErrorBudgetBurn", severity, team, ("slo", slo), ("sloth_id", $"{service}-{slo}"), ("sloth_slo", slo),
            ("sloth_service", service), ("burn_tier", severity == "page" ? "page" : "slow"));

    private static Dictionary<string, string> SloStale(string slo, string service, string team) =>
        Alert("SLODataStale", "ticket", team, ("slo", slo), ("sloth_id", $"{service}-{slo}"), ("sloth_slo", slo), ("sloth_service", service));

    /// <summary>
    /// Posts the alerts as firing, waits until notifications stop arriving, and returns one line per notified alert and
    /// notification (a repeat would show twice): receiver path, alert name and SLO, sorted.
    /// </summary>
    private static async Task<List<string>> NotifiedAsync(params Dictionary<string, string>[] alerts)
    {
        await using var sink = await WebhookSink.StartAsync();
        await using var alertmanager = await AlertmanagerServer.StartAsync(sink.Address);
        await PostAsync(alertmanager, alerts);

        // Group waits are 1 s in the test configuration; inhibition is decided when a group flushes.
        await sink.WaitUntilQuietAsync(quiet: TimeSpan.FromSeconds(3), atLeast: TimeSpan.FromSeconds(5), limit: TimeSpan.FromSeconds(30));
        return [.. sink.Received.SelectMany(n => n.Alerts.Where(a => a.Status == "firing").Select(a =>
                $"{n.Path} {a.Labels["alertname"]}{(a.Labels.TryGetValue("slo", out var slo) ? $" {slo}" : "")}"))
            .Order(StringComparer.Ordinal)];
    }
}
