using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Slo;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>
/// The assembled stack as the compose file assembles it, with two exporter replicas: the demo database (180 days), both
/// replicas with the compose settings (custom CRM collectors, excluded events), and one Prometheus loaded with every
/// shipped rule file. What the exporter really serves is the input of every rule and SLO here; nothing is invented.
/// </summary>
[Collection(MonitoringStackCollection.Name)]
public sealed class TwoReplicaStackTests(MonitoringStackFixture stack)
{
    /// <summary>
    /// Recording rules that 180 days of history cannot define, and why. Every other rule must have a value.
    /// </summary>
    private static readonly Dictionary<string, string> UndefinableOn180Days = new(StringComparer.Ordinal)
    {
        ["saas:nrr:ratio365d"] = "the cohort is the customers of 365 days ago; 180 days of history has none, so its start MRR is 0 and the ratio is absent by design",
        ["saas:grr:ratio365d"] = "as saas:nrr:ratio365d: no customer 365 days ago",
    };

    [Fact]
    public async Task Prometheus_ScrapesBothReplicas()
    {
        var up = await stack.Prometheus.ValuesAsync("up{job=\"saas-exporter\"} == 1");

        Assert.Equal(MonitoringStackFixture.Replicas, up.Count);
    }

    [Fact]
    public async Task Arr_FromTwoReplicas_EqualsOneReplicasMrrTimesTwelve()
    {
        var served = await stack.Exporter.ScrapeAsync();
        var mrr = served.Family("saas_mrr").Values.Sum();

        var arr = Assert.Single(await stack.Prometheus.ValuesAsync("saas:arr"));

        Assert.True(mrr > 0, "the demo has revenue");
        Assert.Equal(mrr * 12, arr, 6);
    }

    [Fact]
    public async Task DailyActiveUsersPanelInput_FromTwoReplicas_EqualsOneReplica()
    {
        var served = await stack.Exporter.ScrapeAsync();
        var dau = served.Value("saas_active_users", ("entity", "user"), ("window", "1d"));
        var mau = served.Value("saas_active_users", ("entity", "user"), ("window", "30d"));

        var ratio = Assert.Single(await stack.Prometheus.ValuesAsync("saas:dau_mau:ratio{entity=\"user\"}"));

        Assert.Equal(dau / mau, ratio, 9);
    }

    [Fact]
    public async Task EverySlo_HasEveryInputAndAnSliValue()
    {
        var compiled = SloGenerator.Generate(Repository.Root, Path.Combine("prometheus", "slos"), Path.Combine("prometheus", "rules", "slo"),
            Path.Combine("prometheus", "tests", "slo"), ExporterServedSeries.Value);
        Assert.Empty(compiled.Diagnostics.Errors);
        Assert.NotEmpty(compiled.Slos);

        var missing = new List<string>();
        foreach (var (slo, _) in compiled.Slos)
        {
            foreach (var input in slo.Sli.Inputs)
            {
                if ((await stack.Prometheus.ValuesAsync(input.Text)).Count == 0)
                {
                    missing.Add($"SLO {slo.Name}: input {input.Text} has no series");
                }
            }

            var sli = await stack.Prometheus.ValuesAsync($"{{__name__=~\"slo:sli_error:ratio_rate.+\", sloth_id=\"{slo.Id}\"}}");
            if (sli.Count == 0)
            {
                missing.Add($"SLO {slo.Name}: no slo:sli_error:ratio_rate* series");
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task EveryRecordingRule_HasAValue_ExceptThoseHistoryCannotDefine()
    {
        var records = Directory.GetFiles(Repository.PathOf("prometheus", "rules"), "*.yml").SelectMany(RecordNames).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(records);

        var empty = new List<string>();
        foreach (var record in records)
        {
            if ((await stack.Prometheus.ValuesAsync(record)).Count == 0)
            {
                empty.Add(record);
            }
        }

        Assert.Equal(UndefinableOn180Days.Keys.Order(StringComparer.Ordinal), empty);
    }

    private static IEnumerable<string> RecordNames(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            yaml.Load(reader);
        }

        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        foreach (var group in groups.Children.Cast<YamlMappingNode>())
        {
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Children.Cast<YamlMappingNode>())
            {
                if (rule.Children.TryGetValue(new YamlScalarNode("record"), out var name))
                {
                    yield return string.Create(CultureInfo.InvariantCulture, $"{((YamlScalarNode)name).Value}");
                }
            }
        }
    }
}
