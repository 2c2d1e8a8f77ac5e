using System.Globalization;
using Dapper;
using Npgsql;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>
/// One cause, one notification, in the assembled stack (<see cref="AlertStack"/>: the real exporter with the compose
/// settings, Prometheus with every shipped rule file, Alertmanager with the shipped routes and inhibitions, time
/// compressed 30 times). Each test lets the healthy demo's own notifications settle, causes one fault, and asserts
/// exactly what every receiver got because of it: receiver, alert, severity, and how many.
/// </summary>
public sealed class AlertScenarioTests(ITestOutputHelper output)
{
    private static async Task<(PostgresCluster Cluster, string ConnectionString)> SeededClusterAsync()
    {
        var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("scenario");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.05, SeededDatabase.Seed, SeededDatabase.AsOf, 60));
        return (cluster, connectionString);
    }

    private void Report(string scenario, AlertStack stack, int mark)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario}: healthy stack sent {mark} notifications before the fault:"));
        foreach (var line in stack.FiringSince(0).Take(40))
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine("after the fault:");
        foreach (var line in stack.FiringSince(mark))
        {
            output.WriteLine("  " + line);
        }
    }

    /// <summary>
    /// After a fault: waits for its first notification, then <paramref name="settle"/> more (longer than any compressed
    /// <c>for:</c> the fault could still trip), then quiet; reports and returns what the fault added.
    /// </summary>
    private async Task<IReadOnlyList<string>> NotifiedAfterFaultAsync(string scenario, AlertStack stack, int mark,
        Func<Notification, bool> first, string what, TimeSpan settle)
    {
        await stack.Sink.WaitForAsync(first, TimeSpan.FromSeconds(90), what);
        await Task.Delay(settle);
        await stack.Sink.WaitUntilQuietAsync(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(60));
        Report(scenario, stack, mark);
        return stack.FiringSince(mark);
    }

    [Fact]
    public async Task DatabaseDown_PagesOnceWithTheRootCause_AndNothingElse()
    {
        var (cluster, connectionString) = await SeededClusterAsync();
        await using var _ = cluster;
        await using var stack = await AlertStack.StartAsync(connectionString, AlertStack.ComposeSettings());
        var mark = await stack.SettleAsync();

        await cluster.StopServerAsync();
        // Past every compressed for: a failing collector could trip (CollectorFailing 15 min = 30 s) and the stale
        // threshold (3 polls + 5 min = 22 s).
        var notified = await NotifiedAfterFaultAsync("database down", stack, mark,
            n => n.Path == "/page" && Firing(n, "SaasExporterDatabaseDown"), "paging SaasExporterDatabaseDown", TimeSpan.FromSeconds(40));

        Assert.Equal(["/page SaasExporterDatabaseDown page"], notified);
    }

    [Fact]
    public async Task DatabaseDown_ResolvesAfterTheRestart()
    {
        var (cluster, connectionString) = await SeededClusterAsync();
        await using var _ = cluster;
        await using var stack = await AlertStack.StartAsync(connectionString, AlertStack.ComposeSettings());

        await cluster.StopServerAsync();
        await stack.Sink.WaitForAsync(n => n.Path == "/page" && Firing(n, "SaasExporterDatabaseDown"), TimeSpan.FromSeconds(90), "paging SaasExporterDatabaseDown");
        await cluster.StartServerAsync();

        await stack.Sink.WaitForAsync(n => n.Path == "/page" && Resolved(n, "SaasExporterDatabaseDown"), TimeSpan.FromSeconds(90), "resolving SaasExporterDatabaseDown");
    }

    [Fact]
    public async Task ExporterDown_PagesOnce_WithoutATicketPerSlo()
    {
        var (cluster, connectionString) = await SeededClusterAsync();
        await using var _ = cluster;
        await using var stack = await AlertStack.StartAsync(connectionString, AlertStack.ComposeSettings());
        var mark = await stack.SettleAsync();

        await stack.StopExporterAsync();
        // Past SLODataStale of every SLO, 15 min (30 s) after its inputs vanished.
        var notified = await NotifiedAfterFaultAsync("exporter down", stack, mark,
            n => n.Path == "/page" && Firing(n, "SaasExporterDown"), "paging SaasExporterDown", TimeSpan.FromSeconds(45));

        Assert.Equal(["/page SaasExporterDown page"], notified);
        Assert.True(await stack.Prometheus.ValuesAsync("ALERTS{alertname=\"SLODataStale\", alertstate=\"firing\"}") is { Count: > 0 },
            "SLODataStale fires in Prometheus (the SLO inputs are gone); Alertmanager must be what silences it");
    }

    [Fact]
    public async Task OneCustomCollectorBroken_TicketsSreOnce_AndPagesNobody()
    {
        var (cluster, connectionString) = await SeededClusterAsync();
        await using var _ = cluster;
        await using var stack = await AlertStack.StartAsync(connectionString, AlertStack.ComposeSettings());
        var mark = await stack.SettleAsync();

        // Only the custom collector crm_activity reads contacts: its query now fails (42P01), every other poll succeeds.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync("ALTER TABLE contacts RENAME TO contacts_moved");
        }

        // Past the stale threshold of that collector and any SLO burn its failures could cause.
        var notified = await NotifiedAfterFaultAsync("one custom collector broken", stack, mark,
            n => Firing(n, "SaasExporterCollectorFailing"), "of SaasExporterCollectorFailing", TimeSpan.FromSeconds(30));

        Assert.Equal(["/tickets/sre SaasExporterCollectorFailing ticket crm_activity"], notified);
    }

    [Fact]
    public async Task HealthyStack_SendsTheWatchdogToTheDeadmanReceiver()
    {
        var (cluster, connectionString) = await SeededClusterAsync();
        await using var _ = cluster;
        await using var stack = await AlertStack.StartAsync(connectionString, AlertStack.ComposeSettings());

        var watchdog = await stack.Sink.WaitForAsync(n => Firing(n, "Watchdog"), TimeSpan.FromSeconds(30), "of the Watchdog");

        Assert.Equal("/deadman", watchdog.Path);
        Assert.DoesNotContain(stack.Sink.Received, n => n.Path != "/deadman" && Firing(n, "Watchdog"));
    }

    private static bool Firing(Notification n, string alertname) =>
        n.Alerts.Any(a => a.Status == "firing" && a.Labels.GetValueOrDefault("alertname") == alertname);

    private static bool Resolved(Notification n, string alertname) =>
        n.Alerts.Any(a => a.Status == "resolved" && a.Labels.GetValueOrDefault("alertname") == alertname);
}
