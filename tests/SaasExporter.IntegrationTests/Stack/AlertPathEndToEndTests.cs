using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Slo;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>
/// The alert path with real servers on loopback for a business threshold: a PostgreSQL seeded by the demo generator,
/// the exporter, Prometheus with the project's own configuration and rules, Alertmanager with the project's routes, and
/// a webhook sink standing in for the receivers, time compressed as in <see cref="AlertStack"/>. The exporter's own
/// failure scenarios are <see cref="AlertScenarioTests"/>.
/// </summary>
public sealed class AlertPathEndToEndTests(ITestOutputHelper output)
{
    private readonly Stopwatch _clock = new();

    private void Mark(string what) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t+{_clock.Elapsed.TotalSeconds,6:F1}s  {what}"));

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
            Path.Combine("prometheus", "rules", "slo"), Path.Combine("prometheus", "tests", "slo"), ExporterServedSeries.Value);
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
            (file, rules) => file == "user-activation-rate.yml" ? activationRules : AlertStack.CompressFor(file, rules));
        await prometheus.WaitForDataAsync("slo:sli_error:ratio_rate1m{sloth_slo=\"user-activation-rate\"}", TimeSpan.FromSeconds(180), v => v == 0);
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

        // Slices are whole UTC minutes (timeSliceWindow: 1m): the tier fires when the first minute whose average
        // activation is under 0.6 ends, 24 s to 84 s after the collapse (more than 40% of that minute bad), plus
        // polling, scraping and grouping.
        Assert.InRange(_clock.Elapsed, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(100));

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
}
