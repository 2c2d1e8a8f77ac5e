using SaasExporter.Backfill;

namespace SaasExporter.UnitTests.Backfill;

public sealed class BackfillArgumentsTests
{
    private static readonly DateTimeOffset WallClock = new(2026, 12, 6, 23, 30, 0, TimeSpan.Zero);

    private static BackfillArguments Parse(params string[] args)
    {
        Assert.True(BackfillArguments.TryParse(args, WallClock, out var result, out var error), error);
        return result;
    }

    [Fact]
    public void RelativeInstantsCountBackFromTheWallClock()
    {
        var args = Parse("--from", "now-180d", "--to=now", "--step=1d");

        Assert.Equal(WallClock.AddDays(-180), args.From);
        Assert.Equal(WallClock, args.To);
    }

    [Fact]
    public void InstantsWithAnOffsetAreReadInUtc()
    {
        var args = Parse("--from=2026-10-25T03:00:00+02:00", "--to=2026-10-26T00:00:00Z", "--step=1h");

        Assert.Equal(new DateTimeOffset(2026, 10, 25, 1, 0, 0, TimeSpan.Zero), args.From);
        Assert.Equal(TimeSpan.Zero, args.From.Offset);
    }

    [Fact]
    public void EverythingButTheFlagsIsConfiguration()
    {
        var args = Parse("--from=now-1d", "--Database:Schema=saas_metrics", "--to=now", "--step", "1h", "--ReportingTimeZone=Europe/Berlin");

        Assert.Equal(["--Database:Schema=saas_metrics", "--ReportingTimeZone=Europe/Berlin"], args.Configuration);
        Assert.Null(args.Output);
        Assert.Equal(BackfillArguments.DefaultJob, args.Job);
    }

    [Fact]
    public void TheJobLabelCanBeNamed()
    {
        Assert.Equal("product-metrics", Parse("--from=now-1d", "--to=now", "--step=1h", "--job=product-metrics").Job);
    }

    [Theory]
    [InlineData("--from=now-3x --to=now --step=1h", "--from = 'now-3x'")]
    [InlineData("--from=now-1d --to", "--to needs a value")]
    [InlineData("--from=now-1d --to=now --step=1h --job=", "--job needs a value")]
    public void UnusableFlagsNameTheFlag(string args, string expected)
    {
        Assert.False(BackfillArguments.TryParse(args.Split(' '), WallClock, out _, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }
}
