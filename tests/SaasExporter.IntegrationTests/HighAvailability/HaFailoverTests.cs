using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.HighAvailability;

/// <summary>
/// The HA set losing half of itself: one Prometheus replica and one Alertmanager member are killed, then the exporter
/// goes down. The store must have no gap across the loss, and the page must still arrive, exactly once. Time is
/// compressed as in <see cref="AlertStack"/> (test-only rewrite of <c>for:</c>), never by editing shipped files.
/// </summary>
public sealed class HaFailoverTests : IAsyncLifetime
{
    private HaStack? _stack;

    public async Task InitializeAsync() => _stack = await HaStack.StartAsync(AlertStack.ScenarioRules);

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [Fact]
    public async Task OnePrometheusAndOneAlertmanagerLost_StoreHasNoGap_AndAPageStillArrivesOnce()
    {
        var stack = _stack!;
        // Ten seconds of history in the store before the loss, from both replicas.
        await Task.Delay(TimeSpan.FromSeconds(12));
        var lost = TimeProvider.System.GetUtcNow();
        await stack.Replicas[0].StopAsync();
        await stack.Alertmanagers[0].StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stack.StopExporterAsync();

        // SaasExporterDown: `for: 5m`, compressed to 10 s.
        await stack.Sink.WaitForAsync(IsExporterDownPage, TimeSpan.FromSeconds(90), "paging SaasExporterDown with half the HA set lost");
        await Task.Delay(AlertmanagerServer.PeerTimeout * 4 + TimeSpan.FromSeconds(2));
        Assert.Single(stack.Sink.Received, IsExporterDownPage);

        var until = TimeProvider.System.GetUtcNow().AddSeconds(-2);
        var series = Assert.Single(await stack.Store.SampleTimesAsync("up{job=\"saas-exporter\"}", lost.AddSeconds(-10), until));
        var gaps = series.Zip(series.Skip(1), (a, b) => b - a).ToList();
        Assert.True(series[0] <= lost.AddSeconds(-8) && series[^1] >= until.AddSeconds(-3), $"the samples span the loss: {series[0]:O} to {series[^1]:O}");
        Assert.True(gaps.Max() <= HaStack.ScrapeInterval * 3, $"largest gap in the store across the loss: {gaps.Max().TotalSeconds} s");
    }

    private static bool IsExporterDownPage(Notification n) =>
        n.Path == "/page" && n.Status == "firing" && n.Alerts.Any(a => a.Labels.GetValueOrDefault("alertname") == "SaasExporterDown");
}
