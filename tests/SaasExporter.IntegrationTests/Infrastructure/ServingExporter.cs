using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// <c>saas-exporter serve</c> as a real process on a free loopback port, its output captured for assertions; stopped by
/// SIGTERM to its own PID (as an orchestrator stops it), or killed by PID at dispose if a test left it running.
/// </summary>
public sealed class ServingExporter : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ServingExporter(Process process, int port)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far, both streams.</summary>
    public string Output
    {
        get
        {
            lock (_stdout)
            {
                return _stdout + "\n" + _stderr;
            }
        }
    }

    /// <summary>Starts serve with the arguments (plus --Listen on a free port) and waits until the port accepts connections.</summary>
    public static async Task<ServingExporter> StartAsync(IEnumerable<string> arguments)
    {
        var port = LoopbackPort.Free();
        var dll = Path.Combine(AppContext.BaseDirectory, "saas-exporter.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "serve", $"--Listen=127.0.0.1:{port}", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SAAS_EXPORTER_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        var server = new ServingExporter(Process.Start(start)!, port);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"serve exited with {server._process.ExitCode}: {server.Output}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException("serve did not listen within 60 s");
    }

    /// <summary>Sends SIGTERM to this process only.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-s", "TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is not null)
        {
            lock (_stdout)
            {
                target.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
