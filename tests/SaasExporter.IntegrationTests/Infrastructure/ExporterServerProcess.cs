using System.Diagnostics;
using System.Globalization;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The built saas-exporter binary serving on a free loopback port in its own process, configured through
/// SAAS_EXPORTER_* variables as in a container: for measurements of that process alone (memory, threads, files) and
/// for killing it outright. Only this process is ever killed, by its own handle.
/// </summary>
public sealed class ExporterServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _log = new();

    private ExporterServerProcess(Process process, Uri address)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public int Pid => _process.Id;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string RecentOutput
    {
        get { lock (_log) { return string.Join('\n', _log); } }
    }

    /// <param name="settings">Configuration keys (Section:Key) and values.</param>
    public static async Task<ExporterServerProcess> StartAsync(IDictionary<string, string> settings)
    {
        var address = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var dll = Path.Combine(AppContext.BaseDirectory, "saas-exporter.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "serve"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SAAS_EXPORTER_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["SAAS_EXPORTER_Listen"] = $"127.0.0.1:{address.Port}";
        start.Environment["SAAS_EXPORTER_Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment["SAAS_EXPORTER_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var server = new ExporterServerProcess(Process.Start(start)!, address);
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await server.WaitHealthyAsync();
        return server;
    }

    /// <summary>Resident memory (bytes), threads and open file descriptors of the process, from /proc.</summary>
    public (long RssBytes, int Threads, int OpenFiles) Sample()
    {
        var status = File.ReadAllLines($"/proc/{Pid}/status");
        long Field(string name) => long.Parse(
            status.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return (Field("VmRSS") * 1024, (int)Field("Threads"), Directory.GetFileSystemEntries($"/proc/{Pid}/fd").Length);
    }

    /// <summary>SIGKILL: the process dies at once, without closing its connections or running any handler.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async Task<Exposition> ScrapeAsync() =>
        Exposition.Parse(await Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > 50)
            {
                _log.Dequeue();
            }
        }
    }

    private async Task WaitHealthyAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"saas-exporter exited {_process.ExitCode}: {RecentOutput}");
            }

            try
            {
                using var response = await Client.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"saas-exporter did not answer /healthz within 60 s: {RecentOutput}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
