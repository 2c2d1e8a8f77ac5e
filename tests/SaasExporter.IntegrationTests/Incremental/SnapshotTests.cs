using SaasExporter.Demo;
using SaasExporter.Incremental;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>
/// Warm restarts from an index snapshot (EventMetrics:SnapshotPath): a valid snapshot is loaded and caught up from
/// its watermark and serves what the SQL source serves; any other is ignored with one line naming why, and the full
/// load that follows serves the SQL values too.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SnapshotTests(PostgresFixture postgres) : IDisposable
{
    private static readonly DateTimeOffset SeedAsOf = Utc("2026-11-05T00:00:00Z");
    private static readonly DateTimeOffset Start = SeedAsOf.AddDays(-20);

    private readonly string _directory = Directory.CreateTempSubdirectory("index-snapshot-").FullName;

    private string SnapshotPath => Path.Combine(_directory, "index.snapshot");

    [Fact]
    public async Task WarmStart_LoadsTheSnapshotAndReadsOnlyTheEventsAfterIt_ServesTheColdValues()
    {
        var connectionString = await SeededAsync("warm");
        var cold = new ListLogger<ActivityIndexStore>();
        await using (var first = Harness(connectionString, cold))
        {
            await first.AssertSameAsync(Start);
            Assert.Contains(cold.Lines, l => l.StartsWith($"Activity index snapshot {SnapshotPath} ignored, loading in full: missing", StringComparison.Ordinal));
            Assert.True(first.Store.Status.Chunks > 10);
        }

        Assert.Single(cold.Lines, l => l.StartsWith("Activity index snapshot written to ", StringComparison.Ordinal));
        var coldUsers = 0;
        var warm = new ListLogger<ActivityIndexStore>();
        await using (var second = Harness(connectionString, warm))
        {
            var now = Start.AddDays(3).AddHours(5);
            await second.AssertSameAsync(now);
            await second.AssertSameAsync(now.AddDays(2));
            Assert.Equal(1, second.Store.Status.Chunks);
            coldUsers = second.Store.Status.Users;
        }

        Assert.Single(warm.Lines, l => l.StartsWith($"Activity index snapshot {SnapshotPath} loaded: ", StringComparison.Ordinal));
        Assert.DoesNotContain(warm.Lines, l => l.Contains("ignored", StringComparison.Ordinal) || l.Contains("planned", StringComparison.Ordinal));
        Assert.True(coldUsers > 100);
    }

    public static TheoryData<string, string> Damages => new()
    {
        { "corrupt", "corrupt: checksum mismatch" },
        { "truncated", "truncated: " },
        { "version", "outdated: format version 99, this exporter reads 2" },
        { "configuration", "outdated: written with index configuration 'zone=UTC; " },
        { "magic", "corrupt: not an activity index snapshot" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task DamagedOrOutdatedSnapshot_IsIgnoredWithOneLineNamingWhy_AndTheFullLoadServesTheSqlValues(string damage, string reason)
    {
        var connectionString = await SeededAsync("damaged_" + damage);
        await using (var writer = Harness(connectionString, new ListLogger<ActivityIndexStore>()))
        {
            await writer.AssertSameAsync(Start);
        }

        var bytes = await File.ReadAllBytesAsync(SnapshotPath);
        switch (damage)
        {
            case "corrupt":
                bytes[bytes.Length / 2] ^= 0x40;
                break;
            case "truncated":
                bytes = bytes[..(bytes.Length * 2 / 3)];
                break;
            case "version":
                bytes[8] = 99;
                break;
            case "magic":
                bytes[0] = (byte)'X';
                break;
        }

        await File.WriteAllBytesAsync(SnapshotPath, bytes);
        var log = new ListLogger<ActivityIndexStore>();
        await using (var restarted = Harness(connectionString, log, o => o.ReportingTimeZone = damage == "configuration" ? "Europe/Berlin" : "UTC"))
        {
            await restarted.AssertSameAsync(Start.AddHours(7));
            Assert.True(restarted.Store.Status.Chunks > 10, "a full load");
        }

        Assert.Single(log.Lines, l => l.Contains(" ignored, loading in full: ", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.StartsWith($"Activity index snapshot {SnapshotPath} ignored, loading in full: {reason}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SnapshotOfAnotherDatabase_IsIgnoredAsForeign_EvenWithTheSameRows()
    {
        var first = await SeededAsync("foreign_a");
        var second = await SeededAsync("foreign_b");
        await using (var writer = Harness(first, new ListLogger<ActivityIndexStore>()))
        {
            await writer.AssertSameAsync(Start);
        }

        var log = new ListLogger<ActivityIndexStore>();
        await using (var other = Harness(second, log))
        {
            await other.AssertSameAsync(Start);
        }

        Assert.Single(log.Lines, l => l.StartsWith($"Activity index snapshot {SnapshotPath} ignored, loading in full: foreign: written for database ", StringComparison.Ordinal));
    }

    /// <summary>
    /// A process killed while writing leaves at most a partial temporary file beside the snapshot (the rename is the
    /// last step): the next start loads the previous snapshot, serves the SQL values, and its next write replaces the
    /// partial file.
    /// </summary>
    [Fact]
    public async Task KilledMidWrite_PartialTemporaryFileBesideIt_NextStartLoadsThePreviousSnapshot()
    {
        var connectionString = await SeededAsync("killed");
        await using (var writer = Harness(connectionString, new ListLogger<ActivityIndexStore>()))
        {
            await writer.AssertSameAsync(Start);
        }

        var previous = await File.ReadAllBytesAsync(SnapshotPath);
        var temporary = IndexSnapshotFile.TemporaryPath(SnapshotPath);
        Assert.False(File.Exists(temporary));
        await File.WriteAllBytesAsync(temporary, previous[..(previous.Length / 3)]);

        var log = new ListLogger<ActivityIndexStore>();
        await using (var restarted = Harness(connectionString, log))
        {
            await restarted.AssertSameAsync(Start.AddHours(2));
            Assert.Equal(1, restarted.Store.Status.Chunks);
        }

        Assert.Single(log.Lines, l => l.StartsWith($"Activity index snapshot {SnapshotPath} loaded: ", StringComparison.Ordinal));
        Assert.False(File.Exists(temporary), "the write after the warm start replaced the partial file");
        Assert.NotEqual(previous, await File.ReadAllBytesAsync(SnapshotPath));
    }

    [Fact]
    public async Task SystemIdentifier_IsReadableByARoleWithNoGrants()
    {
        var connectionString = await postgres.CreateDatabaseAsync("identity");
        var role = "snapshot_probe_" + Guid.NewGuid().ToString("N")[..8];
        await new HandBuiltDatabase(connectionString).Sql(
            $"CREATE ROLE {role} NOLOGIN; SET ROLE {role}; SELECT system_identifier FROM pg_control_system(); RESET ROLE; DROP ROLE {role}");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> SeededAsync(string name)
    {
        var connectionString = await postgres.CreateDatabaseAsync(name);
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.05, 41, SeedAsOf, 120));
        return connectionString;
    }

    private DifferentialHarness Harness(string connectionString, ListLogger<ActivityIndexStore> log, Action<Configuration.ExporterOptions>? configure = null) =>
        new(connectionString, o =>
        {
            o.EventMetrics.SnapshotPath = SnapshotPath;
            o.EventMetrics.LoadChunkSpan = TimeSpan.FromDays(10);
            configure?.Invoke(o);
        }, logger: log);
}
