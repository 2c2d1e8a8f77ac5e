using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Dapper;
using Npgsql;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>
/// SIGTERM to the real serve process while a scrape is being read and a poll's query runs: the scrape is served to
/// its last byte, the query is cancelled on the server (it leaves pg_stat_activity), and the process exits 0.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GracefulShutdownTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    // Three families of 100,000 series (about 9 MB): more than the kernel's socket buffers (4 MB by default) can hold.
    private const int BigSeries = 100_000;
    private const string ActiveSleep =
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'saas-exporter' AND state = 'active' AND query LIKE '%pg_sleep(600)%'";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("saas-exporter-shutdown-");

    [Fact]
    public async Task Sigterm_DrainsTheScrapeInFlight_CancelsThePollInFlight_AndExitsZero()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "shutdown");
        var file = Path.Combine(_directory.FullName, "collectors.yml");
        await File.WriteAllTextAsync(file, $"""
            collectors:
              - name: big
                sql: SELECT g::text AS id, 1::float8 AS v FROM generate_series(1, {BigSeries}) g
                metrics:
                  - {"{"}name: shutdown_big, help: Many series so that a slow reader keeps the scrape in flight., value: v, labels: [id], max_series: {BigSeries}{"}"}
                  - {"{"}name: shutdown_big_b, help: More series., value: v, labels: [id], max_series: {BigSeries}{"}"}
                  - {"{"}name: shutdown_big_c, help: More series., value: v, labels: [id], max_series: {BigSeries}{"}"}
              - name: slow
                interval: 1h
                timeout: 30m
                sql: SELECT 1::float8 AS v FROM pg_sleep(600)
                metrics: [{"{"}name: shutdown_slow, help: A poll that is still running at shutdown., value: v{"}"}]
            """);
        await using var server = await ServingExporter.StartAsync(
            [$"--Database:ConnectionString={db.ConnectionString}", $"--CustomCollectorsFile={file}", $"--AsOf={Iso(Utc("2026-06-10T12:00:00Z"))}"]);
        await using var observer = new NpgsqlConnection(db.ConnectionString);
        await WaitUntilAsync(async () => await observer.ExecuteScalarAsync<long>(ActiveSleep) == 1, "the slow poll's query to run");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        await WaitUntilAsync(async () => (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Contains("shutdown_big{", StringComparison.Ordinal), "the big collector to publish");

        // A scraper with a tiny receive window that reads a little, then stops reading: the response cannot be finished.
        using var scraper = new TcpClient { ReceiveBufferSize = 4096 };
        await scraper.ConnectAsync("127.0.0.1", server.Port);
        var stream = scraper.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"));
        var received = new MemoryStream();
        var chunk = new byte[4096];
        received.Write(chunk, 0, await stream.ReadAsync(chunk));
        await Task.Delay(500);

        var clock = Stopwatch.StartNew();
        await server.TerminateAsync();
        await WaitUntilAsync(async () => await observer.ExecuteScalarAsync<long>(ActiveSleep) == 0, "the poll's query to be cancelled");
        var cancelledMs = clock.Elapsed.TotalMilliseconds;
        await Task.Delay(1000);
        Assert.False(server.HasExited, "the process exited while a scrape was still being read");

        try
        {
            await stream.CopyToAsync(received);
        }
        catch (IOException e)
        {
            Assert.Fail($"the scrape was cut after {received.Length} bytes, {clock.Elapsed.TotalMilliseconds:F0} ms after SIGTERM: {e.Message}; server printed: {server.Output}");
        }

        var drainedMs = clock.Elapsed.TotalMilliseconds;
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var exitedMs = clock.Elapsed.TotalMilliseconds;

        var response = Encoding.UTF8.GetString(received.ToArray());
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        var lines = body.Split('\n');
        foreach (var family in new[] { "shutdown_big{", "shutdown_big_b{", "shutdown_big_c{" })
        {
            Assert.Equal(BigSeries, lines.Count(l => l.StartsWith(family, StringComparison.Ordinal)));
        }

        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        output.WriteLine($"SIGTERM: poll query gone from pg_stat_activity after {cancelledMs:F0} ms; the in-flight scrape " +
            $"({received.Length} bytes) read to its end at {drainedMs:F0} ms; exit 0 at {exitedMs:F0} ms");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
