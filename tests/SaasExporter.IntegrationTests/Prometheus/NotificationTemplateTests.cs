using System.Text.Json;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Prometheus;

/// <summary>The notification templates rendered by the real amtool over alerts shaped like ours.</summary>
public sealed class NotificationTemplateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("saas-templates-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Dictionary<string, object> Alert(string status, Dictionary<string, string> labels, Dictionary<string, string> annotations) => new()
    {
        ["status"] = status,
        ["labels"] = labels,
        ["annotations"] = annotations,
        ["startsAt"] = "2026-11-22T10:00:00Z",
        ["endsAt"] = status == "resolved" ? "2026-11-22T11:00:00Z" : "0001-01-01T00:00:00Z",
        ["generatorURL"] = "",
        ["fingerprint"] = status,
    };

    private async Task<string> RenderAsync(string status, params Dictionary<string, object>[] alerts)
    {
        var commonLabels = ((Dictionary<string, string>)alerts[0]["labels"])
            .Where(l => alerts.All(a => ((Dictionary<string, string>)a["labels"]).GetValueOrDefault(l.Key) == l.Value))
            .ToDictionary(l => l.Key, l => l.Value);
        var data = Path.Combine(_directory, "data.json");
        await File.WriteAllTextAsync(data, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["receiver"] = "oncall-pager",
            ["status"] = status,
            ["alerts"] = alerts,
            ["groupLabels"] = new Dictionary<string, string> { ["alertname"] = commonLabels["alertname"] },
            ["commonLabels"] = commonLabels,
            ["commonAnnotations"] = new Dictionary<string, string>(),
            ["externalURL"] = "http://127.0.0.1:9093",
        }));

        var (exitCode, output) = await Amtool.RunAsync("template", "render",
            $"--template.glob={Repository.PathOf("prometheus", "templates", "*.tmpl")}",
            "--template.text={{ template \"saas.title\" . }}\n{{ template \"saas.text\" . }}",
            $"--template.data={data}");
        Assert.True(exitCode == 0, output);
        return output;
    }

    [Fact]
    public async Task BurnAlert_SaysWhatBrokeHowBadAndWhereToLook()
    {
        var output = await RenderAsync("firing", Alert("firing",
            new() { ["alertname"] = "SLOBurnRate", ["severity"] = "page", ["slo"] = "activation-rate", ["burn_tier"] = "1", ["long_window"] = "1h", ["short_window"] = "5m" },
            new()
            {
                ["summary"] = "activation-rate burns its error budget",
                ["description"] = "Burn rate 14.2x; 83% of the budget left.",
                ["runbook_url"] = "README.md#slo-burn",
                ["dashboard_url"] = "/d/saas-slos/slos?var-slo=activation-rate",
            }));

        Assert.Equal(
            """
            [FIRING:1] SLOBurnRate activation-rate (burn tier 1)
            PAGE: activation-rate burns its error budget
            Burn rate 14.2x; 83% of the budget left.
            Burn windows: 1h and 5m (tier 1)
            Since: 2026-11-22 10:00 UTC
            Dashboard: /d/saas-slos/slos?var-slo=activation-rate
            Runbook: README.md#slo-burn
            """, output.TrimEnd());
    }

    [Fact]
    public async Task ExporterAlerts_NameTheCollector_AndResolvedOnesSaySo()
    {
        var labels = new Dictionary<string, string> { ["alertname"] = "SaasExporterDataStale", ["severity"] = "page", ["collector"] = "revenue" };
        var annotations = new Dictionary<string, string>
        {
            ["summary"] = "revenue data is stale",
            ["description"] = "Last success 40 minutes ago.",
            ["runbook_url"] = "README.md#stale-data",
        };

        var output = await RenderAsync("resolved", Alert("resolved", labels, annotations));

        Assert.StartsWith("[RESOLVED] SaasExporterDataStale\nRESOLVED: revenue data is stale\nLast success 40 minutes ago.\nCollector: revenue\n", output);
        Assert.Contains("Runbook: README.md#stale-data", output);
        Assert.DoesNotContain("Burn windows", output);
    }
}
