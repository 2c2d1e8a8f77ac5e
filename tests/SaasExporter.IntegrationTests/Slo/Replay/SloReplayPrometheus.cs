using System.Diagnostics;
using System.Net;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Slo.Replay;

/// <summary>
/// The real Prometheus (Debian package) serving only TSDB blocks, on a free loopback port. Unlike
/// <see cref="PrometheusServer"/> it keeps history of any age: time-based retention (15 days by default) counts back
/// from the newest block, so two months of backfilled blocks would lose all but their last 15 days at start-up. It
/// scrapes nothing and evaluates no rules: slo replay computes what the rules would. Only the process it started is
/// stopped, and its directory (<c>root</c>, which it creates) is deleted on dispose.
/// </summary>
public sealed class SloReplayPrometheus : IAsyncDisposable
{
    private readonly Process process;
    private readonly string root;
    private readonly StringWriter log = new();

    private SloReplayPrometheus(Process process, string root, Uri address)
    {
        this.process = process;
        this.root = root;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<SloReplayPrometheus> StartAsync(string blocks, string root)
    {
        Directory.CreateDirectory(root);
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        foreach (var block in Directory.GetDirectories(blocks))
        {
            Directory.Move(block, Path.Combine(data, Path.GetFileName(block)));
        }

        var config = Path.Combine(root, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  evaluation_interval: 5m\n");
        var listen = $"127.0.0.1:{LoopbackPort.Free()}";
        var start = new ProcessStartInfo(PrometheusServer.BinaryPath,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={data}",
            "--storage.tsdb.retention.time=100y",
            $"--web.listen-address={listen}",
            "--log.level=warn",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        var prometheus = new SloReplayPrometheus(Process.Start(start)!, root, new Uri($"http://{listen}/"));
        prometheus.process.OutputDataReceived += (_, e) => prometheus.Append(e.Data);
        prometheus.process.ErrorDataReceived += (_, e) => prometheus.Append(e.Data);
        prometheus.process.BeginOutputReadLine();
        prometheus.process.BeginErrorReadLine();
        try
        {
            await prometheus.WaitReadyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await prometheus.DisposeAsync();
            throw;
        }

        return prometheus;
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with code {process.ExitCode}: {log}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(Address, "-/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"prometheus not ready after {timeout}: {log}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            process.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }
}
