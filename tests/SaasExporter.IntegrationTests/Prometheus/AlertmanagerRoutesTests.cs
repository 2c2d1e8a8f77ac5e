using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Prometheus;

/// <summary>prometheus/alertmanager.yml checked by the real amtool: valid, and every route sends labels where they belong.</summary>
public sealed class AlertmanagerRoutesTests
{
    private const string Config = "--config.file=prometheus/alertmanager.yml";

    [Fact]
    public async Task Config_PassesAmtoolCheck()
    {
        var (exitCode, output) = await Amtool.RunAsync("check-config", "prometheus/alertmanager.yml");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task ProductPage_NeverReachesTheSrePager()
    {
        var (exitCode, output) = await Amtool.RunAsync("config", "routes", "test", Config, "severity=page", "team=product");

        Assert.True(exitCode == 0, output);
        Assert.Equal("product-pager", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => !l.StartsWith("Warning", StringComparison.Ordinal)).Trim());
    }

    [Fact]
    public async Task PageOfATeamWithoutARoute_IsATicketNeverTheSrePager()
    {
        var (exitCode, output) = await Amtool.RunAsync("config", "routes", "test", Config, "severity=page", "team=billing");

        Assert.True(exitCode == 0, output);
        Assert.Equal("unrouted-tickets", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => !l.StartsWith("Warning", StringComparison.Ordinal)).Trim());
    }

    [Theory]
    [InlineData("oncall-pager", "alertname=SaasExporterDown", "severity=page", "team=sre")]
    [InlineData("product-pager", "alertname=ActivationBurn", "severity=page", "team=product", "slo=activation-rate")]
    [InlineData("product-pager", "severity=page", "team=product")]
    [InlineData("oncall-pager", "severity=page", "team=sre")]
    [InlineData("oncall-pager", "alertname=SaasExporterDatabaseDown", "severity=page", "team=sre", "instance=exporter:9841")]
    [InlineData("deadman", "alertname=Watchdog", "severity=none", "team=sre")]
    [InlineData("product-tickets", "alertname=SaasExporterRowsRejected", "severity=ticket", "team=product")]
    [InlineData("product-tickets", "alertname=ActivationBurn", "severity=ticket", "team=product", "slo=activation-rate")]
    [InlineData("sre-tickets", "alertname=SaasExporterCollectorFailing", "severity=ticket", "team=sre")]
    [InlineData("product-pager", "alertname=SLOErrorBudgetBurn", "severity=page", "team=product", "slo=dau-mau-ratio", "burn_tier=page")]
    [InlineData("product-tickets", "alertname=SLOErrorBudgetBurn", "severity=ticket", "team=product", "slo=dau-mau-ratio", "burn_tier=slow")]
    [InlineData("product-tickets", "alertname=SLODataStale", "severity=ticket", "team=product", "slo=dau-mau-ratio")]
    [InlineData("sre-tickets", "alertname=SLOErrorBudgetBurn", "severity=ticket", "team=sre", "slo=exporter-poll-success")]
    [InlineData("sre-tickets", "alertname=Unlabelled")]
    [InlineData("sre-tickets", "alertname=SomeTicket", "severity=ticket")]
    [InlineData("unrouted-tickets", "alertname=SLOErrorBudgetBurn", "severity=page", "team=billing", "slo=invoice-poll-success", "burn_tier=page")]
    [InlineData("unrouted-tickets", "alertname=SLOErrorBudgetBurn", "severity=ticket", "team=billing", "slo=invoice-poll-success", "burn_tier=slow")]
    [InlineData("unrouted-tickets", "alertname=SomePage", "severity=page", "team=growth")]
    public async Task Route_SendsLabelsToTheExpectedReceiver(string receiver, params string[] labels)
    {
        var (exitCode, output) = await Amtool.RunAsync(["config", "routes", "test", Config, $"--verify.receivers={receiver}", .. labels]);

        Assert.True(exitCode == 0, $"{string.Join(' ', labels)} -> {output.Trim()} (expected {receiver})");
    }
}
