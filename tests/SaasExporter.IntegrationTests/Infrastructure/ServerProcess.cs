using System.Diagnostics;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A server binary a test started (Prometheus, VictoriaMetrics, vmalert): its process, everything it logged, and the
/// temporary directory it owns. Only this process is ever stopped; the directory is deleted on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _root;
    private readonly StringWriter _log = new();

    private ServerProcess(Process process, string root)
    {
        _process = process;
        _root = root;
    }

    /// <summary>Starts <paramref name="start"/> (output and error captured) owning <paramref name="root"/>.</summary>
    public static ServerProcess Start(ProcessStartInfo start, string root)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = root;
        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}"), root);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the server logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Kills the server (a replica lost); its directory stays until dispose.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_root, recursive: true);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }
}
