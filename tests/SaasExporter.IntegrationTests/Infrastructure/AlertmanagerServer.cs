using System.Diagnostics;
using System.Net;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The real Alertmanager (Debian package prometheus-alertmanager) on a free loopback port, alone or as a member of a
/// gossip cluster on loopback (<see cref="Peering"/>), with a
/// test-only configuration derived from the shipped prometheus/alertmanager.yml (never edited): receivers post to the
/// <see cref="WebhookSink"/> on the same paths, tickets are not held for business hours (a test may run at night), and
/// grouping waits are a second. Only the process it started is stopped; its temporary directory is deleted.
/// </summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _root;

    private AlertmanagerServer(Process process, string root, Uri address)
    {
        _process = process;
        _root = root;
        Address = address;
    }

    public Uri Address { get; }

    public static string BinaryPath =>
        new[] { Environment.GetEnvironmentVariable("SAAS_EXPORTER_ALERTMANAGER"), "/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager" }
            .FirstOrDefault(p => p is not null && File.Exists(p))
        ?? throw new InvalidOperationException("alertmanager not found: install it with `apt-get install prometheus-alertmanager` (tests/run does this) or set SAAS_EXPORTER_ALERTMANAGER");

    /// <summary>A member of a gossip cluster: its own peer port, and the peer ports of the others.</summary>
    public sealed record Peering(int Port, IReadOnlyList<int> Peers);

    /// <summary>
    /// Peer timeout of a test cluster. A member waits this long per position before notifying, to see in the gossiped
    /// notification log whether an earlier member already did (15 s by default; shortened so a test sees duplicates
    /// or their absence within seconds).
    /// </summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(2);

    /// <param name="sink">Where every receiver posts.</param>
    /// <param name="configFile">An Alertmanager configuration to derive from instead of the shipped one (a test that edits a copy as the docs say).</param>
    /// <param name="cluster">Membership of a gossip cluster on loopback; alone when null.</param>
    public static async Task<AlertmanagerServer> StartAsync(Uri sink, string? configFile = null, Peering? cluster = null)
    {
        var binary = BinaryPath;
        var root = Directory.CreateTempSubdirectory("saas-exporter-alertmanager-").FullName;
        var listen = $"127.0.0.1:{LoopbackPort.Free()}";
        var config = Path.Combine(root, "alertmanager.yml");
        await File.WriteAllTextAsync(config, TestConfig(sink, configFile));

        var process = Process.Start(new ProcessStartInfo(binary,
        [
            $"--config.file={config}",
            $"--storage.path={Path.Combine(root, "data")}",
            $"--web.listen-address={listen}",
            "--log.level=warn",
            .. cluster is null
                ? (string[])["--cluster.listen-address="]
                : [
                    $"--cluster.listen-address=127.0.0.1:{cluster.Port}",
                    $"--cluster.advertise-address=127.0.0.1:{cluster.Port}",
                    $"--cluster.peer-timeout={PeerTimeout.TotalSeconds}s",
                    "--cluster.gossip-interval=100ms",
                    "--cluster.pushpull-interval=2s",
                    .. cluster.Peers.Select(p => $"--cluster.peer=127.0.0.1:{p}"),
                ],
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AlertmanagerServer(process, root, new Uri($"http://{listen}/"));
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private async Task WaitReadyAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
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
            }

            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"alertmanager did not become ready (exited: {_process.HasExited})");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The shipped configuration with the test's receivers, no business-hours hold and one-second grouping.</summary>
    public static string TestConfig(Uri sink, string? configFile = null)
    {
        var directory = Repository.PathOf("prometheus");
        var yaml = new YamlStream();
        using (var reader = new StreamReader(configFile ?? Path.Combine(directory, "alertmanager.yml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        if (root.Children.TryGetValue(new YamlScalarNode("templates"), out var templates))
        {
            root.Children[new YamlScalarNode("templates")] = new YamlSequenceNode(((YamlSequenceNode)templates).Children
                .Select(t => new YamlScalarNode(Path.GetFullPath(Path.Combine(directory, ((YamlScalarNode)t).Value!)))));
        }

        void Shorten(YamlMappingNode route)
        {
            route.Children.Remove(new YamlScalarNode("active_time_intervals"));
            foreach (var key in new[] { "group_wait", "group_interval" })
            {
                if (route.Children.ContainsKey(new YamlScalarNode(key)) || route == root["route"])
                {
                    route.Children[new YamlScalarNode(key)] = new YamlScalarNode("1s");
                }
            }

            if (route.Children.TryGetValue(new YamlScalarNode("routes"), out var children))
            {
                foreach (var child in ((YamlSequenceNode)children).Children.Cast<YamlMappingNode>())
                {
                    Shorten(child);
                }
            }
        }

        Shorten((YamlMappingNode)root["route"]);
        foreach (var receiver in ((YamlSequenceNode)root["receivers"]).Children.Cast<YamlMappingNode>())
        {
            if (receiver.Children.TryGetValue(new YamlScalarNode("webhook_configs"), out var hooks))
            {
                foreach (var hook in ((YamlSequenceNode)hooks).Children.Cast<YamlMappingNode>())
                {
                    var shipped = new Uri(((YamlScalarNode)hook["url"]).Value!);
                    hook.Children[new YamlScalarNode("url")] = new YamlScalarNode(new Uri(sink, shipped.AbsolutePath).ToString());
                }
            }
        }

        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }


    /// <summary>Kills this Alertmanager (a cluster member lost); its directory stays until dispose.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
