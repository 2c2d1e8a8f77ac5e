using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Hosting;

[Collection(PostgresCollection.Name)]
public sealed class HealthCommandTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Health_AgainstARunningServer_ExitsZero_AndAgainstNothing_ExitsOne()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "health");
        await using var exporter = await ExporterUnderTest.StartAsync(db.ConnectionString, new Dictionary<string, string?> { ["AsOf"] = Iso(Utc("2026-06-10T12:00:00Z")) });
        await exporter.WaitReadyAsync();
        var port = exporter.Client.BaseAddress!.Port;

        var alive = await ExporterProcess.RunAsync(["health", $"--Listen=0.0.0.0:{port}"]);
        var ready = await ExporterProcess.RunAsync(["health", "--ready", $"--Listen=127.0.0.1:{port}"]);
        await exporter.DisposeAsync();
        var gone = await ExporterProcess.RunAsync(["health", $"--Listen=127.0.0.1:{port}"]);

        Assert.True(alive.ExitCode == 0, alive.Stderr);
        Assert.True(ready.ExitCode == 0, ready.Stderr);
        Assert.Equal(1, gone.ExitCode);
        Assert.StartsWith("saas-exporter: health:", gone.StderrLines.Single(), StringComparison.Ordinal);
    }
}
