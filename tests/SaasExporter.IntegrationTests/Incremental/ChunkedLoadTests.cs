using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>The first load in chunks: a failed chunk resumes the load without reading a finished chunk again.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ChunkedLoadTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset SeedAsOf = Utc("2026-11-05T00:00:00Z");

    [Fact]
    public async Task ChunkFails_NextLoadResumesAfterTheLastFinishedChunk_ReadsEveryChunkOnce_AndServesTheSqlValues()
    {
        var connectionString = await postgres.CreateDatabaseAsync("chunk_resume");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.1, 15, SeedAsOf, 200));
        ChunkRecordingRunner? recorder = null;
        await using var harness = new DifferentialHarness(connectionString,
            o => o.EventMetrics.LoadChunkSpan = TimeSpan.FromDays(10),
            runner => recorder = new ChunkRecordingRunner(runner) { FailChunk = 12 });
        var now = SeedAsOf.AddDays(-7);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => harness.Store.RebuildAsync(now, CancellationToken.None));
        Assert.StartsWith("chunk 12 ", error.Message, StringComparison.Ordinal);
        Assert.Equal(11, recorder!.Read.Count);
        Assert.Equal(11, harness.Store.Status.Completed);
        Assert.False(harness.Store.Status.Serving);
        var total = harness.Store.Status.Chunks;
        // About 193 days of history before now: 11 ten-day chunks of old history, then 87 days of recent history in 9.
        Assert.InRange(total, 19, 21);
        Assert.Equal(11.0 / total, harness.SelfMetrics.IndexLoadProgress.Value);

        await harness.Store.RebuildAsync(now, CancellationToken.None);

        var read = recorder.Read;
        Assert.Equal(total, read.Count);
        Assert.Equal(read.Count, read.Distinct().Count());
        Assert.All(read.Zip(read.Skip(1)), pair => Assert.Equal(pair.First.Until, pair.Second.After));
        Assert.Equal(now, read[^1].Until);
        Assert.Equal(1, harness.SelfMetrics.IndexLoadProgress.Value);
        await harness.AssertSameAsync(now);
        await harness.AssertSameAsync(now.AddHours(30));
    }
}
