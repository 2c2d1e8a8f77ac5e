using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Backfill;

/// <summary>
/// Flags a backfill cannot honour stop the real binary before it connects: one line on stderr naming the flag, exit 2,
/// nothing on stdout. The connection string points at a port nothing listens on, so a run that got further would fail
/// differently.
/// </summary>
public sealed class BackfillArgumentTests
{
    private const string Unreachable = "--Database:ConnectionString=Host=127.0.0.1;Port=1;Username=nobody;Database=none";

    [Theory]
    [InlineData("--from=2026-10-02T00:00:00Z --to=2026-10-01T00:00:00Z --step=1h", "--from 2026-10-02T00:00:00.0000000+00:00 is after --to 2026-10-01T00:00:00.0000000+00:00")]
    [InlineData("--from=2026-10-01T00:00:00Z --to=2026-10-02T00:00:00Z --step=30s", "--step = '30s': not a duration such as 1h or 1d")]
    [InlineData("--from=2020-01-01T00:00:00Z --to=2026-10-01T00:00:00Z --step=1m", "every 00:01:00 is 3549601 steps; at most 17520 (use a longer --step)")]
    [InlineData("--from=2026-10-01T00:00:00Z --to=2999-01-01T00:00:00Z --step=1d", "--to 2999-01-01T00:00:00.0000000+00:00 is in the future")]
    [InlineData("--from=yesterday --to=2026-10-02T00:00:00Z --step=1h", "--from = 'yesterday': not an ISO-8601 instant")]
    [InlineData("--from=2026-10-01T00:00:00Z --step=1h", "--to is required")]
    [InlineData("--from=2026-10-01T00:10:00Z --to=2026-10-01T00:50:00Z --step=1h", "no multiple of --step 01:00:00 since the Unix epoch lies between")]
    public async Task UnusableFlagsAreOneLineAndExitTwo(string flags, string expected)
    {
        var result = await ExporterProcess.RunAsync(["backfill", .. flags.Split(' '), Unreachable]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("saas-exporter: backfill: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APinnedAsOfIsRefusedBecauseTheStepsSetTheInstants()
    {
        var result = await ExporterProcess.RunAsync(
            ["backfill", "--from=2026-10-01T00:00:00Z", "--to=2026-10-02T00:00:00Z", "--step=1h", "--AsOf=2026-10-01T00:00:00Z", Unreachable]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("saas-exporter: backfill: config: AsOf: backfill takes its instants from --from, --to and --step; unset AsOf", Assert.Single(result.StderrLines));
    }
}
