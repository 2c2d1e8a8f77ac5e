using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of a PostgreSQL server, for fault tests: it counts every connection attempt
/// (even while the server is down, when nothing else could count them), and it can be cut (live connections reset,
/// new ones accepted and closed at once, as a firewall or a dead network path would) and restored.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _live = new();
    private readonly ConcurrentQueue<TimeSpan> _attempts = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _acceptLoop;
    private volatile bool _cut;

    private TcpProxy(int upstreamPort, bool cut)
    {
        _upstreamPort = upstreamPort;
        _cut = cut;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts forwarding to the upstream port, or already cut when <paramref name="cut"/>.</summary>
    public static TcpProxy Start(int upstreamPort, bool cut = false) => new(upstreamPort, cut);

    /// <summary>The connection string's Host/Port rewritten to go through this proxy.</summary>
    public string Route(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <summary>Connection attempts since the proxy started.</summary>
    public int Attempts => _attempts.Count;

    /// <summary>Connection attempts that arrived between two instants of <see cref="Elapsed"/>.</summary>
    public int AttemptsBetween(TimeSpan from, TimeSpan to) => _attempts.Count(a => a >= from && a < to);

    /// <summary>The instants (on <see cref="Elapsed"/>) of the attempts between two instants, for failure messages.</summary>
    public string AttemptTimes(TimeSpan from, TimeSpan to) =>
        string.Join(", ", _attempts.Where(a => a >= from && a < to).Select(a => (a - from).TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Time since the proxy started, on the clock <see cref="AttemptsBetween"/> uses.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Resets every live connection and refuses the following ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var client in _live.Keys)
        {
            Reset(client);
        }
    }

    public void Restore() => _cut = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _attempts.Enqueue(_clock.Elapsed);
            if (_cut)
            {
                Reset(client);
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        _live[client] = 0;
        _live[upstream] = 0;
        try
        {
            // A stopped server refuses here, and the client sees its connection closed: as if it had dialled the server.
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            var down = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended (or was cut): both sides are closed below.
        }
        finally
        {
            _live.TryRemove(client, out _);
            _live.TryRemove(upstream, out _);
            Reset(client);
        }
    }

    /// <summary>Closes with RST rather than FIN, as a dropped path or a killed peer looks to the client.</summary>
    private static void Reset(TcpClient client)
    {
        try
        {
            if (client.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
            }

            client.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        foreach (var client in _live.Keys)
        {
            Reset(client);
        }

        _stop.Dispose();
    }
}
