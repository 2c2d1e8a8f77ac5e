using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>Help through the real binary: it prints usage and exits, and never starts the server (issue 20 item 8).</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task HelpFlag_PrintsTheWholeUsageOnStdoutAndExitsZero(string flag)
    {
        var result = await ExporterProcess.RunAsync([flag]);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stderr);
        Assert.StartsWith("usage: saas-exporter [serve|once|check|catalogue]", result.Stdout, StringComparison.Ordinal);
        foreach (var command in new[] { "backfill", "health", "demo seed", "demo simulate", "slo generate" })
        {
            Assert.Contains($"saas-exporter {command} ", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new[] { "help", "backfill" }, "saas-exporter backfill --from INSTANT")]
    [InlineData(new[] { "backfill", "--help" }, "saas-exporter backfill --from INSTANT")]
    [InlineData(new[] { "help", "check" }, "saas-exporter [serve|once|check|catalogue]")]
    [InlineData(new[] { "demo", "seed", "-h" }, "saas-exporter demo seed [--scale N]")]
    [InlineData(new[] { "help", "slo" }, "saas-exporter slo generate [--in prometheus/slos]")]
    public async Task HelpOnACommand_PrintsWhatItDoesAndOnlyItsUsageLines(string[] arguments, string usage)
    {
        var result = await ExporterProcess.RunAsync(arguments);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("usage:", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("usage: " + usage, StringComparison.Ordinal));
        var command = arguments[0] == "help" ? arguments[1] : arguments[0];
        Assert.All(lines.Where(l => l.StartsWith("usage: ", StringComparison.Ordinal)), l => Assert.Contains(command, l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "serv" }, "serv")]
    [InlineData(new[] { "help", "nope" }, "nope")]
    public async Task UnknownCommand_IsOneLineWithAUsageHintAndExitsTwo(string[] arguments, string command)
    {
        var result = await ExporterProcess.RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal([$"saas-exporter: unknown command '{command}'; run 'saas-exporter --help' for usage"], result.StderrLines);
    }
}
