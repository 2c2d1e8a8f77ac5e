using System.Globalization;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Backfill;

/// <summary>
/// <c>saas-exporter backfill</c> against the real binary over a small seeded demo, in Europe/Berlin across the
/// October 2026 daylight-saving change: every backfilled instant holds exactly what <c>once --AsOf</c> serves at that
/// instant, series for series, and promtool turns the file into blocks holding every sample.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BackfillCommandTests(PostgresFixture postgres)
{
    /// <summary>Berlin midnight before the change (CEST, UTC+2) to Berlin midnight after it (CET, UTC+1): 26 hourly steps.</summary>
    private static readonly DateTimeOffset From = Utc("2026-10-24T22:00:00Z");
    private static readonly DateTimeOffset To = Utc("2026-10-25T23:00:00Z");
    private const string TimeZone = "Europe/Berlin";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Run? _run;

    /// <summary>One backfill of the class, with its database and settings.</summary>
    private sealed record Run(List<string> Settings, ExporterProcess.Result Result);

    /// <summary>
    /// A custom collector that reads the past (<c>@now</c>, with windows) and one that reads only the present: the first
    /// is backfilled, the second skipped with a line that says why.
    /// </summary>
    private const string CustomCollectors = """
        collectors:
          - name: custom_events
            interval: 5m
            windows: [1d, 7d]
            sql: |
              SELECT count(*) AS events FROM events WHERE occurred_at > @window_start AND occurred_at <= @now
            metrics:
              - name: custom_events_in_window
                help: Events in the window.
                value: events
          - name: custom_accounts
            interval: 5m
            sql: SELECT count(*) AS accounts FROM accounts
            metrics:
              - name: custom_accounts_now
                help: Accounts as they are now.
                value: accounts
        """;

    [Theory]
    [InlineData("2026-10-24T22:00:00Z")]   // the first step: a Berlin midnight, in summer time
    [InlineData("2026-10-25T01:00:00Z")]   // the change itself: 03:00 CEST becomes 02:00 CET
    [InlineData("2026-10-25T13:00:00Z")]   // a step inside the 25-hour day
    [InlineData("2026-10-25T23:00:00Z")]   // the last step: a Berlin midnight, in winter time
    public async Task BackfilledInstantEqualsOnceAtThatInstant(string instant)
    {
        var run = await RunAsync();
        var at = Utc(instant);
        var once = await ExporterProcess.RunAsync(["once", $"--AsOf={Iso(at)}", .. run.Settings]);
        Assert.True(once.ExitCode == 0, once.Stderr);

        var expected = Exposition.Parse(once.Stdout).Series
            .Where(s => !s.Key.StartsWith("saas_exporter_", StringComparison.Ordinal) && !s.Key.StartsWith("custom_accounts_now", StringComparison.Ordinal))
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .ToList();
        var actual = At(run.Result.Stdout, at).Series.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(s => s.Key), actual.Select(s => s.Key));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task EveryStepIsAMultipleOfTheStepFromFromToToInclusive()
    {
        var run = await RunAsync();
        var instants = Samples(run.Result.Stdout).Select(s => s.At).Distinct().Order().ToList();

        Assert.Equal(Enumerable.Range(0, 26).Select(h => From.AddHours(h)), instants);
    }

    [Fact]
    public async Task TheExportersOwnSeriesAndThePresentOnlyCollectorAreLeftOut()
    {
        var run = await RunAsync();
        var names = Samples(run.Result.Stdout).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("custom_events_in_window", names);
        Assert.Contains("saas_active_users", names);
        Assert.Equal(["saas_exporter_backfill_info"], names.Where(n => n.StartsWith("saas_exporter_", StringComparison.Ordinal)));
        Assert.DoesNotContain("custom_accounts_now", names);
        Assert.Contains(run.Result.StderrLines, l => l == "saas-exporter: backfill: collector custom_accounts skipped: its sql does not use @now, so its past values cannot be computed");
    }

    [Fact]
    public async Task EverySampleCarriesTheScrapeJobAndTheBackfillInstance()
    {
        var run = await RunAsync();
        var lines = run.Result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();

        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains(Target + "} ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheBackfillRecordsItsRangeAndStepAtEveryStep()
    {
        var run = await RunAsync();
        var info = Samples(run.Result.Stdout).Where(p => p.Name == "saas_exporter_backfill_info").ToList();

        Assert.Equal(26, info.Count);
        Assert.All(info, p => Assert.Matches(
            "^saas_exporter_backfill_info\\{from=\"2026-10-24T22:00:00.0000000\\+00:00\",to=\"2026-10-25T23:00:00.0000000\\+00:00\",step=\"01:00:00\",computed_at=\"[^\"]+\"\\} 1$", p.Line));
    }

    [Fact]
    public async Task TheOutputIsOpenMetricsWithEachFamilyOnceAndAFinalEof()
    {
        var run = await RunAsync();
        var lines = run.Result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var types = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();

        Assert.Equal("# EOF", lines[^1]);
        Assert.Equal(types.Distinct(StringComparer.Ordinal), types);
        // Each family's samples follow its own TYPE line, never another family's.
        var family = "";
        foreach (var line in lines[..^1])
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                family = line.Split(' ')[2];
            }
            else if (!line.StartsWith('#'))
            {
                Assert.StartsWith(family, line, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task PromtoolMakesBlocksHoldingEverySample()
    {
        var run = await RunAsync();
        var directory = Directory.CreateTempSubdirectory("saas-exporter-backfill-").FullName;
        try
        {
            var (_, output) = await CreateBlocksAsync(run, directory);

            // promtool prints one row per block: ULID, min time, max time, duration, samples, chunks, series, size.
            var blockSamples = output.Split('\n')
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length == 8 && f[0].Length == 26)
                .Sum(f => long.Parse(f[4], CultureInfo.InvariantCulture));
            Assert.Equal(Samples(run.Result.Stdout).Count, blockSamples);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task PrometheusServesTheBackfilledHistoryAfterLoadingTheBlocks()
    {
        var run = await RunAsync();
        var directory = Directory.CreateTempSubdirectory("saas-exporter-backfill-").FullName;
        try
        {
            var (blocks, _) = await CreateBlocksAsync(run, directory);

            // Nothing listens on the discard port: the only data Prometheus holds is the history it was given.
            await using var prometheus = await PrometheusServer.StartAsync([new Uri("http://127.0.0.1:9/")], null, null, blocks);
            var series = await prometheus.RangeAsync("{__name__=~\"saas_.+|custom_.+\"}", From, To, TimeSpan.FromHours(1));

            foreach (var at in Enumerable.Range(0, 26).Select(h => From.AddHours(h)))
            {
                var expected = At(run.Result.Stdout, at).Series.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
                var actual = series
                    .SelectMany(s => s.Points.Where(p => p.At == at).Select(p => new KeyValuePair<string, double>(
                        Exposition.Key(s.Labels["__name__"], [.. s.Labels.Where(l => l.Key is not ("__name__" or "job" or "instance")).Select(l => (l.Key, l.Value))]), p.Value)))
                    .Where(s => !s.Key.StartsWith("saas_exporter_backfill_info", StringComparison.Ordinal))
                    .OrderBy(s => s.Key, StringComparer.Ordinal)
                    .ToList();
                Assert.Equal(expected, actual);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The backfill written to a file in <paramref name="directory"/> and turned into blocks by promtool, as users do.</summary>
    private static async Task<(string Blocks, string PromtoolOutput)> CreateBlocksAsync(Run run, string directory)
    {
        var input = Path.Combine(directory, "history.om");
        await File.WriteAllTextAsync(input, run.Result.Stdout);
        var blocks = Path.Combine(directory, "blocks");
        var (exitCode, output) = await Promtool.RunAsync(["tsdb", "create-blocks-from", "openmetrics", input, blocks], directory);
        Assert.True(exitCode == 0, output);
        return (blocks, output);
    }

    private async Task<Run> RunAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_run is not null)
            {
                return _run;
            }

            var connectionString = await postgres.CreateDatabaseAsync("backfill");
            await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.2, SeededDatabase.Seed, SeededDatabase.AsOf, 180));
            // The run is shared by every test of the class, so its directory lives until the test process ends.
            var directory = Directory.CreateTempSubdirectory("saas-exporter-backfill-").FullName;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
            var custom = Path.Combine(directory, "custom.yml");
            await File.WriteAllTextAsync(custom, CustomCollectors);
            List<string> settings =
            [
                $"--Database:ConnectionString={connectionString}",
                $"--ReportingTimeZone={TimeZone}",
                $"--CustomCollectorsFile={custom}",
                "--ExcludedEvents:0=notification_sent",
            ];
            var result = await ExporterProcess.RunAsync(["backfill", $"--from={Iso(From)}", $"--to={Iso(To)}", "--step=1h", .. settings]);
            Assert.True(result.ExitCode == 0, result.Stderr);
            _run = new Run(settings, result);
            return _run;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The target labels every backfilled sample ends with: what a scrape of the shipped job would attach.</summary>
    private const string Target = "job=\"saas-exporter\",instance=\"backfill\"";

    private sealed record Point(string Name, string Line, DateTimeOffset At);

    /// <summary>
    /// Every sample line: its metric name, the line without its timestamp and target labels (as <c>once</c> prints it),
    /// and the timestamp.
    /// </summary>
    private static List<Point> Samples(string openMetrics) =>
        [.. openMetrics.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l =>
            {
                var cut = l.LastIndexOf(' ');
                var name = l[..l.IndexOfAny(['{', ' '])];
                var line = l[..cut].Replace("," + Target, "", StringComparison.Ordinal).Replace("{" + Target + "}", "", StringComparison.Ordinal);
                return new Point(name, line, DateTimeOffset.FromUnixTimeSeconds(long.Parse(l[(cut + 1)..], CultureInfo.InvariantCulture)));
            })];

    /// <summary>The backfilled samples of the collectors at one instant, as an exposition.</summary>
    private static Exposition At(string openMetrics, DateTimeOffset at) =>
        Exposition.Parse(string.Join('\n', Samples(openMetrics).Where(p => p.At == at && p.Name != "saas_exporter_backfill_info").Select(p => p.Line)));
}
