using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.HighAvailability;

/// <summary>
/// The HA set of docker-compose.yml's <c>ha</c> profile, healthy and whole (<see cref="HaStack"/>): what the long-term
/// store holds, what its own rule engine computes from it, and what the on-call receives from two Prometheus replicas
/// through two Alertmanagers.
/// </summary>
public sealed class HaPairTests(HaStackFixture fixture) : IClassFixture<HaStackFixture>
{
    private HaStack Stack => fixture.Stack;

    [Fact]
    public async Task Store_HoldsOneCopyOfEveryExporterSeries_WithoutAReplicaLabel()
    {
        const string match = "{job=\"saas-exporter\", __name__=~\"saas_.+\"}";
        var inPrometheus = (await Stack.Replicas[0].Api.SeriesAsync(match)).Select(SeriesKey).ToHashSet(StringComparer.Ordinal);
        var inStore = (await Stack.Store.Api.SeriesAsync(match)).Select(SeriesKey).ToList();

        Assert.True(inPrometheus.Count > 100, $"the exporter serves its catalogue ({inPrometheus.Count} series)");
        Assert.Equal(inStore.Count, inStore.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(inStore, series => series.Contains("replica=", StringComparison.Ordinal));
        var missing = inPrometheus.Except(inStore, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var extra = inStore.Except(inPrometheus, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{missing.Count} series missing from the store, e.g. {string.Join("; ", missing.Take(5))}; {extra.Count} extra, e.g. {string.Join("; ", extra.Take(5))}");
    }

    [Fact]
    public async Task Store_KeepsOneSamplePerScrapeInterval_NotOnePerReplica()
    {
        // Both replicas scrape every second: 20 s hold about 20 samples of each, about 40 in the store if it kept both.
        // The store's one-per-second buckets may hold a sample more than a replica that missed one, never twice as many.
        const string query = "count_over_time(up{job=\"saas-exporter\"}[20s])";
        await Task.Delay(TimeSpan.FromSeconds(21));
        var first = Assert.Single(await Stack.Replicas[0].ValuesAsync(query));
        var second = Assert.Single(await Stack.Replicas[1].ValuesAsync(query));
        var store = Assert.Single(await Stack.Store.Api.ValuesAsync(query));

        Assert.InRange(first, 17, 21);
        Assert.InRange(second, 17, 21);
        Assert.InRange(store, Math.Min(first, second) - 2, Math.Max(first, second) + 2);
    }

    [Fact]
    public async Task StoreRuleEngine_EveryBusinessRecordingRule_EqualsPrometheus()
    {
        // vmalert evaluates the shipped recording rules over the deduplicated store and writes to a second store, so
        // its results are not mixed with the ones the replicas write. A store keeping both replicas would double every sum.
        await using var results = await VictoriaMetricsServer.StartStoreAsync(HaStack.ScrapeInterval);
        string[] rules = [Repository.PathOf("prometheus", "rules", "recording.yml"), Repository.PathOf("prometheus", "rules", "business_constants.yml")];
        await using var vmalert = await VictoriaMetricsServer.StartRuleEngineAsync(rules, Stack.Store.Address, results.Address);

        var records = RecordNames(rules[0]);
        await WaitForAsync(results, "saas:arr", 1);
        var compared = 0;
        var differences = new List<string>();
        foreach (var record in records)
        {
            var expected = await Stack.Replicas[0].Api.VectorAsync(record);
            if (expected.Count == 0)
            {
                continue;
            }

            var actual = await results.Api.VectorAsync(record);
            foreach (var (labels, value) in expected)
            {
                var key = Key(labels);
                var match = actual.Where(a => Key(a.Labels) == key).Select(a => a.Value).ToList();
                if (match.Count != 1 || Math.Abs(match[0] - value) > 1e-9 * Math.Max(1, Math.Abs(value)))
                {
                    differences.Add($"{record}{key}: prometheus {value.ToString(CultureInfo.InvariantCulture)}, vmalert [{string.Join(", ", match)}]");
                }

                compared++;
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(10)) + $"\nvmalert log: {vmalert.Log}");
        Assert.True(compared >= 25, $"compared {compared} series of {records.Count} rules");
    }

    [Fact]
    public async Task Watchdog_FromTwoReplicasThroughTwoAlertmanagers_ReachesTheDeadmanReceiverOnce()
    {
        var first = await Stack.Sink.WaitForAsync(IsWatchdog, TimeSpan.FromSeconds(60), "the Watchdog at /deadman");
        // A member later in the cluster's order waits one peer timeout per position before it notifies, unless the
        // gossiped notification log says an earlier member did: a duplicate would arrive within a few peer timeouts.
        await Task.Delay(AlertmanagerServer.PeerTimeout * 4 + TimeSpan.FromSeconds(2));

        var watchdogs = Stack.Sink.Received.Where(IsWatchdog).ToList();
        Assert.Single(watchdogs);
        var alert = Assert.Single(first.Alerts);
        Assert.False(alert.Labels.ContainsKey("replica"), "alerts leave each replica with the replica label dropped");
        Assert.Equal("saas-exporter", alert.Labels["stack"]);
    }

    [Fact]
    public async Task Silence_MadeOnOneAlertmanager_IsActiveOnTheOther()
    {
        var (exit, output) = await Amtool.RunAsync("silence", "add", "alertname=HaSilenceProbe", "--comment=ha test", "--author=tests",
            "--duration=1h", $"--alertmanager.url={Stack.Alertmanagers[0].Address}");
        Assert.True(exit == 0, output);
        var id = output.Trim();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        string other;
        do
        {
            await Task.Delay(200);
            (_, other) = await Amtool.RunAsync("silence", "query", "--output=json", "alertname=HaSilenceProbe", $"--alertmanager.url={Stack.Alertmanagers[1].Address}");
        }
        while (!other.Contains(id, StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(15));

        Assert.Contains(id, other, StringComparison.Ordinal);
        Assert.Contains("\"active\"", other, StringComparison.Ordinal);
    }

    private static bool IsWatchdog(Notification n) =>
        n.Path == "/deadman" && n.Status == "firing" && n.Alerts.Any(a => a.Labels.GetValueOrDefault("alertname") == "Watchdog");

    private static async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> WaitForAsync(VictoriaMetricsServer store, string record, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var values = await store.Api.VectorAsync(record);
            if (values.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return values;
            }

            await Task.Delay(250);
        }
    }

    private static List<string> RecordNames(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            yaml.Load(reader);
        }

        return [.. ((YamlSequenceNode)yaml.Documents[0].RootNode["groups"]).Children
            .SelectMany(g => ((YamlSequenceNode)g["rules"]).Children.Cast<YamlMappingNode>())
            .Select(r => ((YamlScalarNode)r["record"]).Value!)
            .Distinct(StringComparer.Ordinal)];
    }

    private static string SeriesKey(IReadOnlyDictionary<string, string> labels) => labels["__name__"] + Key(labels);

    /// <summary>A series' labels as text, without the name and without the external <c>stack</c> label only the store's copies carry.</summary>
    private static string Key(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(",", labels.Where(l => l.Key is not ("__name__" or "stack")).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}
