using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>
/// tests/local-stack, the stack without Docker from Debian packages: it comes up on loopback with the project's own
/// files (every scrape target up, every rule loaded, alerts reaching Alertmanager), and goes down leaving nothing behind.
/// </summary>
public sealed partial class LocalStackTests
{

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Repository.PathOf("tests", "local-stack"), [command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<JsonElement> QueryAsync(HttpClient client, string path)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative)));
        return document.RootElement.GetProperty("data").Clone();
    }

    [Fact]
    public async Task UpServesTheWholeStackOnLoopback_AndDownLeavesNothing()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"saas-local-stack-{Guid.NewGuid():N}");
        var prometheusPort = LoopbackPort.Free();
        var alertmanagerPort = LoopbackPort.Free();
        var environment = new Dictionary<string, string>
        {
            ["STACK_DIR"] = directory,
            ["PG_PORT"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EXPORTER_PORT"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PROMETHEUS_PORT"] = prometheusPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ALERTMANAGER_PORT"] = alertmanagerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SINK_PORT"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SCALE"] = "0.02",
            ["INTERVAL"] = "1s",
            ["SIMULATE"] = "0",
        };

        try
        {
            var (upCode, upOutput) = await RunAsync("up", environment);
            Assert.True(upCode == 0, upOutput);

            using var prometheus = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}/") };
            using var alertmanager = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{alertmanagerPort}/") };
            var clock = Stopwatch.StartNew();
            string[] jobs = [];
            var alerts = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(120) && (jobs.Length < 3 || alerts == 0))
            {
                await Task.Delay(1000);
                var up = await QueryAsync(prometheus, "api/v1/query?query=up%20%3D%3D%201");
                jobs = [.. up.GetProperty("result").EnumerateArray().Select(r => r.GetProperty("metric").GetProperty("job").GetString()!).Order()];
                using var received = JsonDocument.Parse(await alertmanager.GetStringAsync(new Uri("api/v2/alerts", UriKind.Relative)));
                alerts = received.RootElement.GetArrayLength();
            }

            Assert.Equal(["alertmanager", "prometheus", "saas-exporter"], jobs);
            // Every URL status prints answers (Debian's Prometheus under /classic/), and so does the amtool command it prints.
            using var page = new HttpClient();
            foreach (var url in StatusUrl().Matches(upOutput).Select(m => m.Value).Distinct())
            {
                using var response = await page.GetAsync(new Uri(url));
                Assert.True(response.IsSuccessStatusCode, $"{url} answers {(int)response.StatusCode}");
            }

            var amtool = upOutput.Split('\n').Single(l => l.StartsWith("alertmanager  amtool ", StringComparison.Ordinal))["alertmanager  amtool ".Length..];
            var (amtoolCode, amtoolOutput) = await Amtool.RunAsync(amtool.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.True(amtoolCode == 0, amtoolOutput);
            // The demo data breaks the contract on purpose, so SaasExporterRowsRejected reaches Alertmanager.
            Assert.True(alerts > 0, "no alert reached Alertmanager");
            var rules = await QueryAsync(prometheus, "api/v1/rules");
            var loaded = rules.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("rules").GetArrayLength());
            Assert.Equal(ShippedRuleCount(), loaded);
            Assert.All(rules.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()),
                r => Assert.Equal("ok", r.GetProperty("health").GetString()));
        }
        finally
        {
            var (downCode, downOutput) = await RunAsync("down", environment);
            Assert.True(downCode == 0, downOutput);
        }

        Assert.False(Directory.Exists(directory));
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, prometheusPort));
    }

    /// <summary>Every rule of the files prometheus.yml loads (rules/*.yml and rules/slo/*.yml), counted from the files.</summary>
    private static int ShippedRuleCount() =>
        Directory.GetFiles(Repository.PathOf("prometheus", "rules"), "*.yml")
            .Concat(Directory.GetFiles(Repository.PathOf("prometheus", "rules", "slo"), "*.yml"))
            .Sum(file =>
            {
                var yaml = new YamlStream();
                using (var reader = new StreamReader(file))
                {
                    yaml.Load(reader);
                }

                var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
                return groups.Children.Sum(g => ((YamlSequenceNode)((YamlMappingNode)g)["rules"]).Children.Count);
            });

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/[^\s)]*")]
    private static partial Regex StatusUrl();
}
