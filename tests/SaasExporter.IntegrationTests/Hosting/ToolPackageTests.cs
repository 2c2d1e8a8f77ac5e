using System.Diagnostics;
using SaasExporter.Hosting;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>
/// <c>dotnet pack exporter</c> makes a .NET tool package that <c>dotnet tool install</c> installs from a local folder
/// and that runs, with no network: the install and the run go through a proxy that refuses every connection.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("saas-exporter-tool-");

    [Fact]
    public async Task Pack_MakesAToolPackage_ThatInstallsFromALocalFolderOffline_AndRuns()
    {
        var packages = Path.Combine(_directory.FullName, "packages");
        var tools = Path.Combine(_directory.FullName, "tools");
        var config = Path.Combine(_directory.FullName, "nuget.config");
        // Only the local folder: no package source on the network is consulted.
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);

        // A configuration of its own keeps the pack's build out of bin/Release and obj/Release, which tests/local-stack
        // builds and runs from while other tests run (LocalStackTests); the test build has restored the project already.
        var pack = await RunAsync("dotnet",
            ["pack", Repository.PathOf("exporter", "SaasExporter.csproj"), "-c", "ToolPackageTest", "--no-restore", "-o", packages, "-nologo"], offline: false);
        var install = await RunAsync("dotnet",
            ["tool", "install", "--tool-path", tools, "--configfile", config, "--add-source", packages, "saas-exporter"], offline: true);
        var help = await RunAsync(Path.Combine(tools, "saas-exporter"), ["--help"], offline: true);

        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.Equal(["saas-exporter.0.1.0.nupkg"], Directory.GetFiles(packages).Select(Path.GetFileName));
        Assert.True(install.ExitCode == 0, install.Output);
        Assert.Contains("Tool 'saas-exporter' (version '0.1.0') was successfully installed.", install.Output, StringComparison.Ordinal);
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Equal(CommandLine.Usage.ReplaceLineEndings("\n") + "\n", help.Output);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, bool offline)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (offline)
        {
            // Port 9 (discard) on loopback refuses connections: anything that reaches for the network fails loudly.
            foreach (var variable in new[] { "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy" })
            {
                start.Environment[variable] = "http://127.0.0.1:9";
            }

            start.Environment.Remove("NO_PROXY");
            start.Environment.Remove("no_proxy");
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
