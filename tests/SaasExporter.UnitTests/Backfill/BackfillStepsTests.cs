using SaasExporter.Backfill;

namespace SaasExporter.UnitTests.Backfill;

public sealed class BackfillStepsTests
{
    private static readonly DateTimeOffset WallClock = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static BackfillSteps Create(string from, string to, TimeSpan step)
    {
        Assert.True(BackfillSteps.TryCreate(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture), step, WallClock, out var steps, out var error), error);
        return steps;
    }

    [Fact]
    public void StepsAreMultiplesOfTheStepSinceTheEpochWhateverTheFlags()
    {
        var steps = Create("2026-10-01T00:20:00Z", "2026-10-01T03:10:00Z", TimeSpan.FromHours(1));

        Assert.Equal(
            [new DateTimeOffset(2026, 10, 1, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 1, 2, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 1, 3, 0, 0, TimeSpan.Zero)],
            steps.Instants());
    }

    [Fact]
    public void BothEndsAreIncludedWhenAligned()
    {
        var steps = Create("2026-10-01T00:00:00Z", "2026-10-31T00:00:00Z", TimeSpan.FromDays(1));

        Assert.Equal(31, steps.Count);
        Assert.Equal(steps.Count, steps.Instants().Count());
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero), steps.Last);
    }

    [Fact]
    public void TwoRunsOverOverlappingRangesShareTheirInstants()
    {
        var first = Create("2026-10-01T00:07:00Z", "2026-10-02T00:00:00Z", TimeSpan.FromMinutes(15)).Instants();
        var second = Create("2026-10-01T12:01:00Z", "2026-10-03T00:00:00Z", TimeSpan.FromMinutes(15)).Instants();

        var overlap = first.Where(t => t >= new DateTimeOffset(2026, 10, 1, 12, 1, 0, TimeSpan.Zero)).ToList();
        Assert.NotEmpty(overlap);
        Assert.Equal(overlap, second.Take(overlap.Count));
    }

    [Fact]
    public void TheLargestAllowedRangeIsAccepted()
    {
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var to = from.AddHours(BackfillSteps.MaxSteps - 1);

        Assert.True(BackfillSteps.TryCreate(from, to, TimeSpan.FromHours(1), WallClock, out var steps, out _));
        Assert.Equal(BackfillSteps.MaxSteps, steps.Count);
        Assert.False(BackfillSteps.TryCreate(from, to.AddHours(1), TimeSpan.FromHours(1), WallClock, out _, out var error));
        Assert.Contains($"at most {BackfillSteps.MaxSteps}", error, StringComparison.Ordinal);
    }
}
