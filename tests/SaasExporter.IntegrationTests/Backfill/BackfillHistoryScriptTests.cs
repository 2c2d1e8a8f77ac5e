using System.Globalization;
using System.Text.RegularExpressions;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Grafana;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Backfill;

/// <summary>
/// prometheus/backfill-history.sh over a backfill of the seeded demo (daily steps, the last 31 days of its history): a
/// Prometheus started on the data directory serves one point per step for raw and recorded series, the recorded values
/// are the rules' values at the steps, and every trend panel of the business dashboards draws the last 30 days.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class BackfillHistoryScriptTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly DateTimeOffset To = SeededDatabase.AsOf;
    private static readonly DateTimeOffset From = To.AddDays(-30);
    private const int Steps = 31;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Task<HistoryInstall>? _run;

    /// <summary>Trend panels whose queries read what the backfill cannot hold, with the reason (docs/backfill.md).</summary>
    private static readonly IReadOnlyDictionary<(string Dashboard, string Panel), string> WithoutHistory =
        new Dictionary<(string, string), string>
        {
            [("saas-revenue", "NRR and GRR (12 months)")] = "the seeded history is 180 days: nobody was a customer 365 days ago",
            [("saas-slos", "Current burn rate")] = "reads the 5-minute error ratio: a window shorter than the step holds no backfilled sample",
            [("saas-slos", "SLI error ratio (5m)")] = "a 5-minute window is shorter than the step: it holds no backfilled sample",
        };

    [Theory]
    [InlineData("saas_active_users{entity=\"user\"}")]
    [InlineData("saas_mrr")]
    [InlineData("saas:dau_mau:ratio")]
    [InlineData("saas:arr")]
    [InlineData("slo:objective:ratio")]
    public async Task EverySeriesHasOnePointOnEachStep(string selector)
    {
        var series = await StepsAsync(selector);

        Assert.NotEmpty(series);
        Assert.All(series, s => Assert.Equal(Enumerable.Range(0, Steps).Select(d => From.AddDays(d)), s));
    }

    /// <summary>
    /// Rules two and three levels deep (an SLO's 30-day window over its good-day flags, its budget left over the
    /// window): their points fall on steps only, on most steps (an objective that counts business days only has no
    /// flag on the first weekend of the range, so its window starts later).
    /// </summary>
    [Theory]
    [InlineData("slo:sli_error:ratio_rate30d")]
    [InlineData("slo:period_error_budget_remaining:ratio")]
    public async Task RulesOfRulesHavePointsOnTheSteps(string selector)
    {
        var series = await StepsAsync(selector);
        var steps = Enumerable.Range(0, Steps).Select(d => From.AddDays(d)).ToHashSet();

        Assert.NotEmpty(series);
        Assert.All(series, s => Assert.Subset(steps, s.ToHashSet()));
        Assert.All(series, s => Assert.True(s.Count >= Steps - 7, $"{s.Count} points"));
    }

    /// <summary>Hourly instants with the 5-minute lookback: a point shows exactly where a sample is.</summary>
    private async Task<List<List<DateTimeOffset>>> StepsAsync(string selector)
    {
        await using var prometheus = await StartAsync();
        var series = await prometheus.RangeAsync(selector, From, To.AddHours(23), TimeSpan.FromHours(1));
        return [.. series.Select(s => s.Points.Select(p => p.At).ToList())];
    }

    [Fact]
    public async Task RecordedValuesAreTheRulesAtEachStep()
    {
        await using var prometheus = await StartAsync();
        var arr = await prometheus.RangeAsync("saas:arr", From, To, TimeSpan.FromDays(1));
        var mrr = await prometheus.RangeAsync("sum(max without (instance) (saas_mrr))", From, To, TimeSpan.FromDays(1));

        Assert.Equal(Steps, Assert.Single(mrr).Points.Count);
        Assert.Equal(mrr.Single().Points.Select(p => p.At), Assert.Single(arr).Points.Select(p => p.At));
        // The rule sums in its own order: equal to the last bits of a double.
        Assert.All(mrr.Single().Points.Zip(arr.Single().Points), p => Assert.Equal(p.First.Value * 12, p.Second.Value, 1e-9 * p.Second.Value));
    }

    [Fact]
    public async Task RulesReadingTheExportersOwnSeriesAreLeftOut()
    {
        await using var prometheus = await StartAsync();

        Assert.Empty(await prometheus.Api.SeriesAsync("saas_exporter:data_age:intervals"));
        Assert.NotEmpty(await prometheus.Api.SeriesAsync("crm:emails_sent_per_active_user:ratio1d"));
    }

    [Fact]
    public async Task EveryTrendPanelDrawsTheLastThirtyDays()
    {
        await using var prometheus = await StartAsync();
        var empty = new List<string>();
        foreach (var (path, dashboard) in DashboardFiles.All().Where(d => !d.Path.StartsWith("sre/exporter-health", StringComparison.Ordinal)))
        {
            foreach (var panel in DashboardFiles.Panels(dashboard).Where(p => (string?)p["type"] == "timeseries"))
            {
                var title = (string)panel["title"]!;
                if (WithoutHistory.ContainsKey(((string)dashboard["uid"]!, title)))
                {
                    continue;
                }

                foreach (var target in DashboardFiles.Targets(panel))
                {
                    // Grafana draws 30 days at an hourly step: its interval variables say so.
                    var expr = BuiltInInterval().Replace((string)target["expr"]!, m => m.Value.Contains("rate", StringComparison.Ordinal) ? "1d" : "1h");
                    var query = DashboardFiles.Substitute(expr, dashboard, panel);
                    var series = await prometheus.RangeAsync(query, To.AddDays(-30), To, TimeSpan.FromHours(1));
                    var days = series.SelectMany(s => s.Points).Select(p => p.At.UtcDateTime.Date).Distinct().Count();
                    output.WriteLine($"{path} / {title} / {target["refId"]}: {series.Count} series on {days} days");
                    if (days < 30)
                    {
                        empty.Add($"{path} / {title}: {days} days: {query}");
                    }
                }
            }
        }

        Assert.Empty(empty);
    }

    [Fact]
    public async Task TheInstallIsMeasured()
    {
        var install = await RunAsync();
        await using var prometheus = await StartAsync();
        var series = await prometheus.Api.SeriesAsync("{__name__=~\".+\"}");
        output.WriteLine(install.ScriptLog);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"backfill {install.BackfillTime.TotalSeconds:F0} s, script {install.ScriptTime.TotalSeconds:F0} s, blocks {install.HistoryBytes / 1024} KiB, {series.Count} series"));

        Assert.Contains(series, s => s["__name__"].StartsWith("slo:", StringComparison.Ordinal));
    }

    /// <summary>
    /// VictoriaMetrics (Debian package victoria-metrics) takes the backfill's file as it is on /api/v1/import/prometheus:
    /// it reads the OpenMetrics timestamps, in seconds, as the instants they are (docs/backfill.md).
    /// </summary>
    [Fact]
    public async Task VictoriaMetricsImportsTheBackfillFileAsItIs()
    {
        var install = await RunAsync();
        await using var store = await VictoriaMetricsServer.StartStoreAsync(TimeSpan.FromSeconds(30));
        using var content = new StreamContent(File.OpenRead(install.OpenMetricsFile));
        using var response = await store.Client.PostAsync(new Uri("api/v1/import/prometheus", UriKind.Relative), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var flushed = await store.Client.GetAsync(new Uri("internal/force_flush", UriKind.Relative));

        var series = await store.SampleTimesAsync("saas_mrr", From.AddDays(-1), To.AddDays(1));

        Assert.NotEmpty(series);
        Assert.All(series, s => Assert.Equal(Enumerable.Range(0, Steps).Select(d => From.AddDays(d)), s));
    }

    [GeneratedRegex(@"\$\{?__(rate_interval|interval)\}?")]
    private static partial Regex BuiltInInterval();

    private async Task<PrometheusServer> StartAsync() =>
        await PrometheusServer.StartBlocksOnlyAsync((await RunAsync()).DataDirectory);

    /// <summary>One install shared by every test of the class; a failed one fails them all at once.</summary>
    private async Task<HistoryInstall> RunAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _run ??= InstallAsync();
        }
        finally
        {
            Gate.Release();
        }

        return await _run;
    }

    private async Task<HistoryInstall> InstallAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("history");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.2, SeededDatabase.Seed, SeededDatabase.AsOf, 180));
        // Shared by every test of the class, so its directory lives until the test process ends.
        var root = Directory.CreateTempSubdirectory("saas-exporter-history-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return await HistoryInstall.RunAsync(connectionString, From, To, root);
    }
}
