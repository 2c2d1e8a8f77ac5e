using SaasExporter.Slo;
using static SaasExporter.UnitTests.Slo.Replay.SloReplayAlertTests;

namespace SaasExporter.UnitTests.Slo.Replay;

public sealed class SloReplayArgumentsTests
{
    private static readonly DateTimeOffset WallClock = At("2026-12-07T02:00:00Z");

    [Fact]
    public void TryParse_OnlyTheRange_TakesTheDefaults()
    {
        Assert.True(ReplayArguments.TryParse(["--from", "2026-01-01T00:00:00Z", "--to=now-1d"], WallClock, out var args, out var error), error);

        Assert.Equal(
            new ReplayArguments(At("2026-01-01T00:00:00Z"), At("2026-12-06T02:00:00Z"), "prometheus/slos", new Uri("http://127.0.0.1:9090/"), TimeSpan.FromSeconds(30), Json: false),
            args);
    }

    [Fact]
    public void TryParse_EveryFlag_IsTaken()
    {
        Assert.True(ReplayArguments.TryParse(
            ["--from=now-90d", "--to", "now", "--in", "slos", "--prometheus", "http://127.0.0.1:19090/prom", "--step", "1m", "--json"], WallClock, out var args, out var error), error);

        Assert.Equal(
            new ReplayArguments(WallClock.AddDays(-90), WallClock, "slos", new Uri("http://127.0.0.1:19090/prom/"), TimeSpan.FromMinutes(1), Json: true),
            args);
    }

    [Theory]
    [InlineData("--to now", "--from is required (usage: saas-exporter slo replay --from INSTANT --to INSTANT [--in DIR] [--prometheus URL] [--step DURATION] [--json])")]
    [InlineData("--from now-1d --to now --step 0s", "--step = '0s': not a duration such as 30s or 1m")]
    [InlineData("--from now-1d --to now --prometheus ftp://x", "--prometheus = 'ftp://x': not an http:// or https:// URL such as http://127.0.0.1:9090/")]
    [InlineData("--from now-1d --to now --since x", "unexpected argument '--since' (usage: saas-exporter slo replay --from INSTANT --to INSTANT [--in DIR] [--prometheus URL] [--step DURATION] [--json])")]
    [InlineData("--from now-1d --to", "--to needs a value")]
    [InlineData("--from now-1000d --to now --step 1s", "--from 2024-03-12T02:00:00Z to --to 2026-12-07T02:00:00Z is more than 2200000 evaluations of 1s: give a larger --step")]
    public void TryParse_BadArguments_AreOneLineNamingTheFlag(string arguments, string expected)
    {
        Assert.False(ReplayArguments.TryParse(arguments.Split(' '), WallClock, out _, out var error));

        Assert.Equal(expected, error);
    }
}
