using System.Net;
using System.Net.Sockets;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>A start that fails for a reason no validation can foresee is one line on stderr and exit code 2, never a stack trace.</summary>
public sealed class StartFailureTests
{
    [Fact]
    public async Task Serve_PortAlreadyInUse_IsOneLineNamingTheKeyAndPort_AndExitCode2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        // Stands in for the database: a serve that cannot listen must not have polled it (nor logged its retries).
        using var database = new TcpListener(IPAddress.Loopback, 0);
        database.Start();
        var databasePort = ((IPEndPoint)database.LocalEndpoint).Port;

        var result = await ExporterProcess.RunAsync(
            ["serve", $"--Listen=127.0.0.1:{port}", $"--Database:ConnectionString=Host=127.0.0.1;Port={databasePort};Database=none;Timeout=2"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            $"saas-exporter: config: Listen = '127.0.0.1:{port}': port {port} is already in use by another process",
            Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout.Trim());
        Assert.False(database.Pending(), "the exporter connected to the database although it could not listen");
    }
}
