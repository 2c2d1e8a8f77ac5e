using System.Diagnostics;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>The real amtool (Debian package prometheus-alertmanager).</summary>
public static class Amtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var path = new[] { "/usr/bin/amtool", "/usr/local/bin/amtool" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("amtool not found: install it with `apt-get install prometheus-alertmanager` (tests/run does this)");
        var start = new ProcessStartInfo(path, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Repository.Root,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
