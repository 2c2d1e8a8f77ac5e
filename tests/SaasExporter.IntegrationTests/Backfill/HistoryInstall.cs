using System.Diagnostics;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Backfill;

/// <summary>
/// The documented flow run as users run it: <c>saas-exporter backfill</c> over a database, then
/// prometheus/backfill-history.sh with the real prometheus and promtool, into an empty data directory.
/// </summary>
public sealed record HistoryInstall(string DataDirectory, string OpenMetricsFile, string ScriptLog, TimeSpan BackfillTime, TimeSpan ScriptTime, long HistoryBytes)
{
    public static async Task<HistoryInstall> RunAsync(string connectionString, DateTimeOffset from, DateTimeOffset to, string root)
    {
        var history = Path.Combine(root, "history.om");
        var clock = Stopwatch.StartNew();
        // The exporter's own runner stops after three minutes; a month of daily steps takes longer on a busy machine.
        var (backfillExit, backfillLog) = await RunProcessAsync("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "saas-exporter.dll"),
            "backfill", $"--from={Iso(from)}", $"--to={Iso(to)}", "--step=1d", $"--output={history}",
            $"--Database:ConnectionString={connectionString}",
            // The compose demo's exporter settings (docker-compose.yml).
            "--ExcludedEvents:0=notification_sent",
            $"--CustomCollectorsFile={Repository.PathOf("exporter", "crm-collectors.yml")}",
        ], new Dictionary<string, string>());
        Assert.True(backfillExit == 0, $"backfill exited {backfillExit}: {backfillLog}");
        var backfillTime = clock.Elapsed;

        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        clock.Restart();
        var (exit, log) = await RunProcessAsync("sh",
            [Repository.PathOf("prometheus", "backfill-history.sh"), "--input", history, "--step", "1d", "--data-dir", data,
             "--listen", $"127.0.0.1:{LoopbackPort.Free()}"],
            new Dictionary<string, string> { ["PROMETHEUS"] = PrometheusServer.BinaryPath, ["PROMTOOL"] = Promtool.Path });
        Assert.True(exit == 0, $"backfill-history.sh exited {exit}: {log}");
        var scriptTime = clock.Elapsed;

        var bytes = new DirectoryInfo(data).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        return new HistoryInstall(data, history, log, backfillTime, scriptTime, bytes);
    }

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(string file, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SAAS_EXPORTER_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
