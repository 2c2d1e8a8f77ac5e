using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
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
    private static string CompressFor(string rules) => ForDuration().Replace(rules, m =>
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
        Assert.DoesNotContain(sink.Received, n => n.Path != "/page");
    }

    private static bool Firing(Notification n, string alertname) =>
        n.Alerts.Any(a => a.Status == "firing" && a.Labels.GetValueOrDefault("alertname") == alertname);

    private static bool Resolved(Notification n, string alertname) =>
        n.Alerts.Any(a => a.Status == "resolved" && a.Labels.GetValueOrDefault("alertname") == alertname);
}
