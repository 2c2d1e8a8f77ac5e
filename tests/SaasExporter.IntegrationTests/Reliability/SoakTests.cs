using System.Diagnostics;
using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Reliability;

/// <summary>
/// The real binary in its own process, every collector polling every second and wrk scraping, for a bounded time
/// (SAAS_EXPORTER_SOAK_SECONDS, default 90): resident memory, threads and open files must stay flat once warm.
/// Figures are printed; the bounds are generous so that a loaded machine cannot make them flake, and tight enough
/// that a leak of one connection, thread or series set per poll (thousands of polls) cannot pass.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    private static readonly string[] Collectors =
        ["engagement", "sessions", "activation", "revenue", "acquisition", "adoption", "retention", "resurrection", "support", "surveys", "account_health"];

    [Fact]
    public async Task ManyPollsUnderLoad_MemoryThreadsAndOpenFilesStayFlat()
    {
        var duration = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("SAAS_EXPORTER_SOAK_SECONDS"), out var s) ? s : 90);
        await using var cluster = await PostgresCluster.StartAsync();
        var db = await SmallProductDataset.CreateAsync(cluster, "soak");
        var directory = Directory.CreateTempSubdirectory("saas-soak-").FullName;
        try
        {
            var file = Path.Combine(directory, "probe.yml");
            await File.WriteAllTextAsync(file, ScrapeUnderLoadTests.Probe);
            var settings = new Dictionary<string, string>
            {
                ["Database:ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = true }.ConnectionString,
                ["AsOf"] = Instants.Iso(SmallProductDataset.Now),
                ["CustomCollectorsFile"] = file,
            };
            foreach (var collector in Collectors)
            {
                settings[$"Collectors:{collector}:Interval"] = "00:00:01";
                settings[$"Collectors:{collector}:Timeout"] = "00:00:01";
            }

            await using var server = await ExporterServerProcess.StartAsync(settings);
            var load = Wrk.RunAsync(new Uri(server.Client.BaseAddress!, "/metrics"), threads: 1, connections: 4, duration);
            var samples = new List<(TimeSpan At, long Rss, int Threads, int Files)>();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                var (rss, threads, files) = server.Sample();
                samples.Add((clock.Elapsed, rss, threads, files));
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            var wrk = await load;
            var metrics = await server.ScrapeAsync();
            var polls = Collectors.Append("probe").Sum(c => metrics.Value("saas_exporter_collector_runs_total", ("collector", c), ("result", "success")));
            var failures = Collectors.Append("probe").Sum(c => metrics.Value("saas_exporter_collector_runs_total", ("collector", c), ("result", "failure")));

            var failedBy = string.Join(", ", Collectors.Append("probe")
                .Select(c => (c, n: metrics.Value("saas_exporter_collector_runs_total", ("collector", c), ("result", "failure")))).Where(x => x.n > 0)
                .Select(x => $"{x.c} {x.n}"));
            output.WriteLine($"failed polls by collector (1 s timeouts on a shared machine): {failedBy}");
            output.WriteLine("seconds  rss_MiB  threads  open_files");
            foreach (var (at, rss, threads, files) in samples)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{at.TotalSeconds,7:0}  {rss / 1048576.0,7:0.0}  {threads,7}  {files,10}"));
            }

            output.WriteLine(wrk.Output);
            var third = samples.Count / 3;
            var warm = samples.Skip(third).Take(third).ToList();
            var late = samples.Skip(2 * third).ToList();
            var rssGrowth = late.Max(x => x.Rss) - warm.Max(x => x.Rss);
            var threadGrowth = late.Max(x => x.Threads) - warm.Max(x => x.Threads);
            var fileGrowth = late.Max(x => x.Files) - warm.Max(x => x.Files);
            FaultTable.Row(output, $"soak: {duration.TotalSeconds:0} s, 12 collectors every 1 s, wrk -c4 on /metrics",
                string.Create(CultureInfo.InvariantCulture,
                    $"{polls} successful polls, {failures} failed; {wrk.Requests} scrapes ({wrk.RequestsPerSecond:0}/s), {wrk.Non2xx} non-2xx; RSS {samples[0].Rss / 1048576.0:0} -> {samples[^1].Rss / 1048576.0:0} MiB (late-vs-warm peak {rssGrowth / 1048576.0:+0.0;-0.0} MiB), threads {samples[0].Threads} -> {samples[^1].Threads}, open files {samples[0].Files} -> {samples[^1].Files}"),
                null, null, "none", 0);

            Assert.True(samples.Count >= 6, "too few samples: lengthen SAAS_EXPORTER_SOAK_SECONDS");
            Assert.True(polls >= 10 * duration.TotalSeconds / 2, $"only {polls} successful polls in {duration}: the soak did not soak");
            // A poll that misses its 1 s timeout on a busy machine fails visibly and is retried; it must stay rare.
            Assert.True(failures <= polls / 10, $"{failures} failed polls against {polls} successful: {failedBy}");
            Assert.Equal(0, wrk.Non2xx);
            Assert.True(rssGrowth <= 32 * 1048576L + warm.Max(x => x.Rss) / 5, $"resident memory grew {rssGrowth / 1048576.0:0.0} MiB once warm");
            Assert.True(threadGrowth <= 8, $"threads grew by {threadGrowth} once warm");
            Assert.True(fileGrowth <= 8, $"open files grew by {fileGrowth} once warm");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
