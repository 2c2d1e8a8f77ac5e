using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Slo;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>
/// The alert path with real servers on loopback: a PostgreSQL seeded by the demo generator, the exporter, Prometheus
/// with the project's own configuration and rules, Alertmanager with the project's routes, and a webhook sink standing
/// in for the pager. Time is compressed 30 times by test-only overrides, never by editing shipped files: collector
/// intervals (1 min becomes 2 s) and the rules' <c>for:</c> durations (5 min becomes 10 s), so the alerts keep the
/// order they have in production.
/// </summary>
public sealed partial class AlertPathEndToEndTests(ITestOutputHelper output)
{
    private const int Compression = 30;

    private static readonly string[] OtherCollectors =
        ["account_health", "acquisition", "adoption", "resurrection", "retention", "revenue", "sessions", "support", "surveys"];

    private readonly Stopwatch _clock = new();

    private void Mark(string what) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t+{_clock.Elapsed.TotalSeconds,6:F1}s  {what}"));

    /// <summary><c>for: 5m</c> becomes <c>for: 10s</c>: every rule's pending duration divided by the compression.</summary>
    private static string CompressFor(string file, string rules) => ForDuration().Replace(rules, m =>
    {
        var seconds = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * (m.Groups[3].Value == "h" ? 3600 : 60);
        return $"{m.Groups[1].Value}{Math.Max(1, seconds / Compression)}s";
    });

    [GeneratedRegex(@"(\bfor:\s*)(\d+)(m|h)\b")]
    private static partial Regex ForDuration();

    [Fact]
    public async Task DatabaseOutage_PagesOnCallWithStaleData_ThenTheRootCause_AndBothResolve()
    {
        _ = PrometheusServer.BinaryPath;
        _ = AlertmanagerServer.BinaryPath;
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("e2e");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.05, SeededDatabase.Seed, SeededDatabase.AsOf, 60));

        var settings = new Dictionary<string, string?>
        {
            ["AsOf"] = Instants.Iso(SeededDatabase.AsOf),
            ["Collectors:engagement:Interval"] = "00:00:02",
            ["Collectors:engagement:Timeout"] = "00:00:02",
            ["Collectors:activation:Interval"] = "00:00:10",
            ["Collectors:activation:Timeout"] = "00:00:02",
            ["Database:ConnectTimeout"] = "00:00:01",
        };
        foreach (var collector in OtherCollectors)
        {
            settings[$"Collectors:{collector}:Enabled"] = "false";
        }

        await using var sink = await WebhookSink.StartAsync();
        await using var alertmanager = await AlertmanagerServer.StartAsync(sink.Address);
        await using var exporter = await ExporterUnderTest.StartAsync(connectionString, settings);
        await exporter.WaitReadyAsync();
        await using var prometheus = await PrometheusServer.StartAsync(exporter.Client.BaseAddress!, alertmanager.Address, CompressFor);
        await prometheus.WaitForDataAsync("saas_exporter_collector_up{collector=\"engagement\"}", TimeSpan.FromSeconds(60), v => v == 1);

        _clock.Start();
        Mark("stack healthy; stopping PostgreSQL");
        await cluster.StopServerAsync();
        Mark("PostgreSQL stopped");

        var limit = TimeSpan.FromSeconds(90);
        var stale = await sink.WaitForAsync(n => n.Path == "/page" && Firing(n, "SaasExporterDataStale"), limit, "paging SaasExporterDataStale");
        Mark($"stale-data page arrived at {stale.Path}");
        var databaseDown = await sink.WaitForAsync(n => n.Path == "/page" && Firing(n, "SaasExporterDatabaseDown"), limit, "paging SaasExporterDatabaseDown");
        Mark($"database-down page arrived at {databaseDown.Path}");

        await cluster.StartServerAsync();
        Mark("PostgreSQL restarted");
        var staleResolved = await sink.WaitForAsync(n => n.Path == "/page" && Resolved(n, "SaasExporterDataStale"), limit, "resolving SaasExporterDataStale");
        Mark("stale-data resolution arrived");
        var databaseResolved = await sink.WaitForAsync(n => n.Path == "/page" && Resolved(n, "SaasExporterDatabaseDown"), limit, "resolving SaasExporterDatabaseDown");
        Mark("database-down resolution arrived");

        // Production order: stale data (3 intervals + 5 min) pages before the database-down page (10 min) explains it.
        Assert.True(stale.ArrivedAfter < databaseDown.ArrivedAfter, "the stale-data page should arrive first");
        var alert = stale.Alerts.First(a => a.Labels["alertname"] == "SaasExporterDataStale");
        Assert.Equal("page", alert.Labels["severity"]);
        Assert.Equal("sre", alert.Labels["team"]);
        Assert.Equal("engagement", alert.Labels["collector"]);
        Assert.Equal("Metrics of collector engagement are stale", alert.Annotations["summary"]);
        Assert.Matches(@"^The last successful poll of engagement is \d+\.\d poll intervals old", alert.Annotations["description"]);
        Assert.Equal("README.md#stale-data", alert.Annotations["runbook_url"]);
        Assert.True(staleResolved.ArrivedAfter > databaseDown.ArrivedAfter && databaseResolved.ArrivedAfter > databaseDown.ArrivedAfter);
        // Exporter alerts of this outage page; none went to a ticket receiver.
        Assert.DoesNotContain(sink.Received, n => n.Path != "/page"
            && n.Alerts.Any(a => a.Labels.GetValueOrDefault("alertname", "").StartsWith("SaasExporter", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A business threshold broken by a data change: every user of the activation cohort loses their activation. The
    /// activation SLO, compiled by the project's own compiler from a time-compressed variant (1 h period, a 1 m ticket
    /// tier; <c>Stack/slos/user-activation-e2e.yaml</c>), stands in for the shipped one, and its ticket must reach the
    /// product team's ticket receiver with the labels routing needs and a readable message.
    /// </summary>
    [Fact]
    public async Task ActivationCollapse_TicketsTheProductTeam()
    {
        _ = PrometheusServer.BinaryPath;
        _ = AlertmanagerServer.BinaryPath;
        var variant = SloGenerator.Generate(Repository.Root, Path.Combine("tests", "SaasExporter.IntegrationTests", "Stack", "slos"),
            Path.Combine("prometheus", "rules", "slo"), Path.Combine("prometheus", "tests", "slo"));
        Assert.True(variant.Diagnostics.Errors.Count == 0, string.Join("; ", variant.Diagnostics.Errors));
        var activationRules = Assert.Single(variant.Rules).Value;

        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("e2e");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.05, SeededDatabase.Seed, SeededDatabase.AsOf, 60));
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            // A known healthy start: everyone activated an hour after signup.
            await connection.ExecuteAsync("UPDATE users SET activated_at = created_at + interval '1 hour'");
        }

        var settings = new Dictionary<string, string?>
        {
            ["AsOf"] = Instants.Iso(SeededDatabase.AsOf),
            ["Collectors:activation:Interval"] = "00:00:02",
            ["Collectors:activation:Timeout"] = "00:00:02",
        };

        await using var sink = await WebhookSink.StartAsync();
        await using var alertmanager = await AlertmanagerServer.StartAsync(sink.Address);
        await using var exporter = await ExporterUnderTest.StartAsync(connectionString, settings);
        await exporter.WaitReadyAsync();
        await using var prometheus = await PrometheusServer.StartAsync(exporter.Client.BaseAddress!, alertmanager.Address,
            (file, rules) => file == "user-activation-rate.yml" ? activationRules : CompressFor(file, rules));
        await prometheus.WaitForDataAsync("slo:sli_error:ratio_rate1m{sloth_slo=\"user-activation-rate\"}", TimeSpan.FromSeconds(60), v => v == 0);
        // A full long window of healthy history first, as in production: the fire time is then the tier's own.
        await prometheus.WaitForDataAsync("count_over_time(slo:sli_error:ratio_rate1m{sloth_slo=\"user-activation-rate\"}[1m])",
            TimeSpan.FromSeconds(120), v => v >= 55);

        _clock.Start();
        Mark("activation healthy (100%); removing every activation");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync("UPDATE users SET activated_at = NULL");
        }

        Mark("activation collapsed in the database");
        Assert.DoesNotContain(sink.Received, ActivationBurn);
        var ticket = await sink.WaitForAsync(n => n.Path == "/tickets/product" && ActivationBurn(n), TimeSpan.FromSeconds(120),
            "of SLOErrorBudgetBurn{slo=user-activation-rate} at the product ticket receiver");
        Mark($"activation burn ticket arrived at {ticket.Path}");

        // 30% of the 1m window must be bad (2x the 0.15 budget): about 18 s, plus polling, scraping and grouping.
        Assert.InRange(_clock.Elapsed, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));

        var alert = ticket.Alerts.First(a => a.Labels["alertname"] == "SLOErrorBudgetBurn" && a.Labels["slo"] == "user-activation-rate");
        Assert.Equal("ticket", alert.Labels["severity"]);
        Assert.Equal("product", alert.Labels["team"]);
        Assert.Equal("user-activation-rate", alert.Labels["slo"]);
        Assert.Equal("e2e-ticket-burn", alert.Labels["burn_tier"]);
        Assert.Equal("1m", alert.Labels["long_window"]);
        Assert.Contains("user-activation-rate", alert.Annotations["summary"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(alert.Annotations["description"]));
        Assert.Equal("/d/saas-slos/slos?var-slo=user-activation-rate", alert.Annotations["dashboard_url"]);
        Assert.DoesNotContain(sink.Received, n => n.Path == "/page" && ActivationBurn(n));
        output.WriteLine($"summary: {alert.Annotations["summary"]}");
        output.WriteLine($"description: {alert.Annotations["description"]}");
    }

    private static bool ActivationBurn(Notification n) => n.Alerts.Any(a => a.Status == "firing"
        && a.Labels.GetValueOrDefault("alertname") == "SLOErrorBudgetBurn" && a.Labels.GetValueOrDefault("slo") == "user-activation-rate");

    private static bool Firing(Notification n, string alertname) =>
        n.Alerts.Any(a => a.Status == "firing" && a.Labels.GetValueOrDefault("alertname") == alertname);

    private static bool Resolved(Notification n, string alertname) =>
        n.Alerts.Any(a => a.Status == "resolved" && a.Labels.GetValueOrDefault("alertname") == alertname);
}
