using System.Globalization;
using System.Text.Json;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// Bars of counter increases must count each event once: drawn as Grafana draws them (a range query whose step is
/// the panel's interval), the bars of "Poll results" add up to the polls the exporter really made.
/// </summary>
[Collection(MonitoringStackCollection.Name)]
public sealed class DashboardBarTests(MonitoringStackFixture stack, ITestOutputHelper output)
{
    /// <summary>
    /// The test Prometheus scrapes every second, so a 40 s step is to it what the panel's 5-minute minimum is to the
    /// shipped 30 s scrapes: many scrapes per bar. Three bars span two minutes of polls every 20 s.
    /// </summary>
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(40);

    private const int Bars = 3;

    [Fact]
    public async Task PollResultBars_AddUpToThePollsTheExporterMade()
    {
        var (expr, end) = await PrepareAsync(windowSteps: 1);

        var drawn = await SumOfBarsAsync(expr.Replace("$__interval", Seconds(Step), StringComparison.Ordinal), end);
        var made = await PollsMadeAsync(end);

        output.WriteLine($"{Bars} bars of {Step.TotalSeconds:0} s: {drawn:0.0} polls drawn, {made} made");
        Assert.InRange(drawn, made * 0.85, made * 1.15);
    }

    [Fact]
    public async Task PollResultBars_WouldCountEachPollAboutFourTimesWithAWindowOfFourSteps()
    {
        // What the board did before: increase over $__rate_interval (four scrape intervals) at a one-interval step.
        var (expr, end) = await PrepareAsync(windowSteps: 4);

        var drawn = await SumOfBarsAsync(expr.Replace("$__interval", Seconds(4 * Step), StringComparison.Ordinal), end);
        var made = await PollsMadeAsync(end);

        output.WriteLine($"window of 4 steps: {drawn:0.0} polls drawn, {made} made ({drawn / made:0.00}x)");
        Assert.InRange(drawn / made, 3.0, 5.0);
    }

    private async Task<(string Expr, double End)> PrepareAsync(int windowSteps)
    {
        var dashboard = DashboardFiles.Load("sre/exporter-health.json");
        var panel = DashboardFiles.Panels(dashboard).Single(p => (string?)p["title"] == "Poll results");
        var expr = (string)DashboardFiles.Targets(panel).Single()["expr"]!;
        Assert.Contains("[$__interval]", expr, StringComparison.Ordinal);

        // Enough history for every bar's window (the fixture may have started moments ago).
        var needed = (Bars - 1 + windowSteps) * Step.TotalSeconds;
        await stack.Prometheus.WaitForDataAsync(
            $"count_over_time(saas_exporter_collector_runs_total{{collector=\"engagement\", result=\"success\"}}[{needed + 30:0}s])",
            TimeSpan.FromSeconds(needed + 120), v => v >= needed);
        var end = Math.Floor(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0) - 2;
        return (DashboardFiles.Substitute(expr.Replace("$__interval", "__STEP__", StringComparison.Ordinal), dashboard, panel)
            .Replace("__STEP__", "$__interval", StringComparison.Ordinal), end);
    }

    /// <summary>Every bar of the range query Grafana sends: points at end - (Bars-1) x step .. end, one step apart.</summary>
    private async Task<double> SumOfBarsAsync(string promql, double end)
    {
        var start = end - ((Bars - 1) * Step.TotalSeconds);
        var data = await PostAsync("api/v1/query_range", promql,
            ("start", start.ToString("F0", CultureInfo.InvariantCulture)),
            ("end", end.ToString("F0", CultureInfo.InvariantCulture)),
            ("step", Seconds(Step)));
        var points = data.GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray()).ToList();
        Assert.NotEmpty(points);
        return points.Sum(p => double.Parse(p[1].GetString()!, CultureInfo.InvariantCulture));
    }

    /// <summary>The polls counted between the first bar's start and the last bar's end, from the raw counters.</summary>
    private async Task<double> PollsMadeAsync(double end)
    {
        const string total = "sum(max without (instance) (saas_exporter_collector_runs_total))";
        var at = async (double t) => PrometheusServer.Values(await PostAsync("api/v1/query", total, ("time", t.ToString("F0", CultureInfo.InvariantCulture)))).Single();
        var made = await at(end) - await at(end - (Bars * Step.TotalSeconds));
        Assert.True(made > 0, "no poll in the bars' span");
        return made;
    }

    private async Task<JsonElement> PostAsync(string endpoint, string promql, params (string Key, string Value)[] parameters)
    {
        using var content = new FormUrlEncodedContent(
            [new KeyValuePair<string, string>("query", promql), .. parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))]);
        using var response = await stack.Prometheus.Client.PostAsync(new Uri(endpoint, UriKind.Relative), content);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(document.RootElement.GetProperty("status").GetString() == "success", $"`{promql}`: {document.RootElement}");
        return document.RootElement.GetProperty("data").Clone();
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0}s";
}
