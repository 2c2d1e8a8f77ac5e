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

    private Task<string> RenderAsync(string status, params Dictionary<string, object>[] alerts) =>
        RenderAsync(status, null, alerts);

    // overrides: a template file loaded after the shipped ones (a user's base URLs, say).
    private async Task<string> RenderAsync(string status, string? overrides, params Dictionary<string, object>[] alerts)
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

        string[] globs = [$"--template.glob={Repository.PathOf("prometheus", "templates", "*.tmpl")}"];
        if (overrides is not null)
        {
            var local = Directory.CreateDirectory(Path.Combine(_directory, "local")).FullName;
            await File.WriteAllTextAsync(Path.Combine(local, "base-urls.tmpl"), overrides);
            globs = [.. globs, $"--template.glob={Path.Combine(local, "*.tmpl")}"];
        }

        var (exitCode, output) = await Amtool.RunAsync(["template", "render", .. globs,
            "--template.text={{ template \"saas.title\" . }}\n{{ template \"saas.text\" . }}",
            $"--template.data={data}"]);
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
            Dashboard: http://localhost:3000/d/saas-slos/slos?var-slo=activation-rate
            Runbook: README.md#slo-burn
            """, output.TrimEnd());
    }

    [Fact]
    public async Task Links_TakeTheConfiguredBaseUrls_AndAbsoluteLinksStayAsTheyAre()
    {
        const string bases = """
            {{ define "saas.grafana_base_url" }}https://grafana.example.com{{ end }}
            {{ define "saas.runbook_base_url" }}https://git.example.com/saas-exporter/blob/main/{{ end }}
            """;
        var relative = Alert("firing", new() { ["alertname"] = "SaasExporterDown", ["severity"] = "page" }, new()
        {
            ["summary"] = "down",
            ["dashboard_url"] = "/d/saas-exporter-health/exporter-health",
            ["runbook_url"] = "README.md#exporter-down",
        });
        var absolute = Alert("firing", new() { ["alertname"] = "SaasExporterDown", ["severity"] = "page" }, new()
        {
            ["summary"] = "down",
            ["dashboard_url"] = "https://other.example.com/d/x",
            ["runbook_url"] = "https://wiki.example.com/runbook",
        });

        var output = await RenderAsync("firing", bases, relative, absolute);

        Assert.Contains("Dashboard: https://grafana.example.com/d/saas-exporter-health/exporter-health\n", output, StringComparison.Ordinal);
        Assert.Contains("Runbook: https://git.example.com/saas-exporter/blob/main/README.md#exporter-down\n", output, StringComparison.Ordinal);
        Assert.Contains("Dashboard: https://other.example.com/d/x\n", output, StringComparison.Ordinal);
        Assert.Contains("Runbook: https://wiki.example.com/runbook", output, StringComparison.Ordinal);
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
