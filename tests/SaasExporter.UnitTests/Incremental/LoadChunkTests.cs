using SaasExporter.Incremental;

namespace SaasExporter.UnitTests.Incremental;

public sealed class LoadChunkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Cutoff = Now.AddDays(-87);

    [Theory]
    [InlineData(200.0, 7.0)]
    [InlineData(87.0, 7.0)]
    [InlineData(87.000001, 1.0)]
    [InlineData(1000.5, 30.0)]
    [InlineData(88.0, 0.01)]
    public void Plan_CoversEveryEventFromTheOldestToNow_OldestFirst_WithoutGapOrOverlap_NoChunkLongerThanTheSpan(double oldestDaysAgo, double spanDays)
    {
        var oldest = Now.AddDays(-oldestDaysAgo);
        var span = TimeSpan.FromDays(spanDays);

        var chunks = LoadChunk.Plan(oldest, Cutoff, Now, span);

        Assert.True(chunks[0].After < oldest, "the oldest event is inside the first chunk");
        Assert.Equal(Now, chunks[^1].Until);
        Assert.All(chunks.Zip(chunks.Skip(1)), pair => Assert.Equal(pair.First.Until, pair.Second.After));
        Assert.All(chunks, c => Assert.True(c.Until > c.After && c.Until - c.After <= span, $"{c} is longer than {span}"));
        Assert.All(chunks, c => Assert.Equal(c.After >= Cutoff, c.Detailed));
        Assert.Contains(chunks, c => c.Until == Cutoff);
    }

    [Fact]
    public void Plan_NoEventOlderThanTheCutoff_ReadsOnlyTheRecentHistory()
    {
        Assert.All(LoadChunk.Plan(Now.AddDays(-3), Cutoff, Now, TimeSpan.FromDays(7)), c => Assert.True(c.Detailed));
        var none = LoadChunk.Plan(null, Cutoff, Now, TimeSpan.FromDays(7));
        Assert.Equal(13, none.Count);
        Assert.Equal(Cutoff, none[0].After);
    }
}
