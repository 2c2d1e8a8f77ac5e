using System.Text.RegularExpressions;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>
/// While the first load of the activity index runs (here made long by one-minute chunks: hundreds of thousands of
/// statements), the serving exporter serves its own series, the load's progress and every collector that does not read
/// the index; the event families fail with the load's progress and /readyz stays unready.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ServeWhileLoadingTests(PostgresFixture postgres)
{
    // sessions and account_health read the index too (issue 18 item 1), so they wait for the load like engagement.
    private static readonly string[] NonEventCollectors = ["activation", "revenue", "acquisition"];

    [Fact]
    public async Task Serve_DuringALongFirstLoad_ServesTheOtherCollectorsAndShowsTheLoadsProgress()
    {
        var asOf = Utc("2026-11-05T00:00:00Z");
        var connectionString = await postgres.CreateDatabaseAsync("serve_while_loading");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.05, 32, asOf, 150));
        await using var exporter = await ExporterUnderTest.StartAsync(connectionString, new Dictionary<string, string?>
        {
            ["AsOf"] = Iso(asOf),
            ["EventMetrics:Source"] = "incremental",
            ["EventMetrics:LoadChunkSpan"] = "00:01:00",
        });

        var scrape = await exporter.ScrapeUntilAsync(
            e => NonEventCollectors.All(c => e.Get("saas_exporter_collector_up", ("collector", c)) == 1)
                 && e.Get("saas_exporter_collector_up", ("collector", "engagement")) == 0,
            TimeSpan.FromSeconds(120));

        Assert.All(NonEventCollectors, c => Assert.Equal(1, scrape.Value("saas_exporter_collector_up", ("collector", c))));
        Assert.Equal(0, scrape.Value("saas_exporter_collector_up", ("collector", "engagement")));
        Assert.InRange(scrape.Value("saas_exporter_index_load_progress_ratio"), 0, 0.5);
        Assert.Null(scrape.Get("saas_exporter_index_users"));
        Assert.NotEmpty(scrape.Family("saas_mrr"));

        var page = await exporter.Client.GetStringAsync(new Uri("/", UriKind.Relative));
        var progress = LoadProgress().Match(page);
        Assert.True(progress.Success, page);
        Assert.True(int.Parse(progress.Groups["chunks"].Value, System.Globalization.CultureInfo.InvariantCulture) > 100_000, progress.Value);
        Assert.Contains("the activity index is loading: ", page, StringComparison.Ordinal);
        using var ready = await exporter.Client.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [GeneratedRegex(@"Activity index: not loaded yet; first load \d+% done \(\d+ of (?<chunks>\d+) chunks\), (about \d+ s left|estimate after the first chunk)\.")]
    private static partial Regex LoadProgress();
}
