using System.Diagnostics;
using Dapper;
using Npgsql;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.HighAvailability;

/// <summary>
/// The exporter on a real hot standby (<c>pg_basebackup -R</c>) of the seeded demo, as the least-privilege role of
/// exporter/Database/exporter-role.sql (made on the primary, replicated like everything else): once replay has caught
/// up, both sources serve on the standby exactly what they serve on the primary.
/// </summary>
public sealed class HotStandbyTests(HotStandbyTests.Pair pair) : IClassFixture<HotStandbyTests.Pair>
{
    private static readonly DateTimeOffset AsOf = SeededDatabase.AsOf;

    [Theory]
    [InlineData("sql")]
    [InlineData("incremental")]
    public async Task Standby_ServesThePrimarysValues(string source)
    {
        var onPrimary = await OnceAsync(pair.PrimaryAsRole, source);
        var onStandby = await OnceAsync(pair.StandbyAsRole, source);

        Assert.True(onPrimary.Count > 100, $"the primary serves the catalogue ({onPrimary.Count} samples)");
        Assert.Equal(onPrimary, onStandby);
    }

    [Fact]
    public async Task Check_OnTheStandby_PassesForTheLeastPrivilegeRole()
    {
        var check = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={pair.StandbyAsRole}"]);

        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.DoesNotContain("warning", check.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecoveryConflict_CancelsThePoll_WhichIsRetried_AndTheDatabaseStaysUp()
    {
        // A collector whose statement holds its snapshot for seconds, and a primary that meanwhile vacuums away rows
        // that snapshot may see: the standby (max_standby_streaming_delay=0) cancels the statement at once.
        var file = Path.Combine(Path.GetTempPath(), $"standby-probe-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, """
            collectors:
              - name: standby_probe
                interval: 5m
                timeout: 60s
                sql: |
                  SELECT (SELECT count(*) FROM events WHERE occurred_at <= @now) AS events FROM pg_sleep(3)
                metrics:
                  - name: standby_probe_events
                    help: Events up to now, read slowly on purpose.
                    value: events
            """);
        try
        {
            var conflictsBefore = await pair.StandbySnapshotConflictsAsync();
            var once = ExporterProcess.RunAsync(["once", $"--Database:ConnectionString={pair.StandbyAsRole}", $"--AsOf={Instants.Iso(AsOf)}",
                $"--CustomCollectorsFile={file}"]);
            await pair.WaitForStandbyQueryAsync("pg_sleep(3)", TimeSpan.FromSeconds(60));
            await pair.VacuumAwayRowsOnThePrimaryAsync();
            var result = await once;

            Assert.True(result.ExitCode == 0, result.Stderr);
            var served = Exposition.Parse(result.Stdout);
            Assert.Equal(1, served.Value("saas_exporter_collector_up", ("collector", "standby_probe")));
            Assert.Equal(1, Assert.Single(served.Family("saas_exporter_database_up")).Value);
            Assert.True(await pair.StandbySnapshotConflictsAsync() > conflictsBefore, "the standby cancelled a statement for a recovery conflict");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The business samples of <c>once</c> (self-metrics, which time the run, left out), every collector up.</summary>
    private static async Task<List<string>> OnceAsync(string connectionString, string source)
    {
        var once = await ExporterProcess.RunAsync(["once", $"--Database:ConnectionString={connectionString}", $"--AsOf={Instants.Iso(AsOf)}",
            $"--EventMetrics:Source={source}"]);
        Assert.True(once.ExitCode == 0, once.Stderr);
        var up = Exposition.Parse(once.Stdout).Family("saas_exporter_collector_up");
        Assert.All(up, s => Assert.Equal(1, s.Value));
        return [.. once.Stdout.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("saas_exporter_", StringComparison.Ordinal))];
    }

    /// <summary>The primary seeded at scale 1 over 60 days, the role made there, and a standby caught up with both.</summary>
    public sealed class Pair : IAsyncLifetime
    {
        private PostgresCluster? _primary;
        private PostgresCluster? _standby;

        public string PrimaryAsRole { get; private set; } = "";

        public string StandbyAsRole { get; private set; } = "";

        public async Task InitializeAsync()
        {
            // No autovacuum on the primary: the only cleanup the standby replays is the one a test makes.
            _primary = await PostgresCluster.StartAsync("autovacuum=off");
            var connectionString = await _primary.CreateDatabaseAsync("product");
            await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(SeededDatabase.Scale, SeededDatabase.Seed, AsOf, 60));
            const string role = "saas_exporter_standby";
            var password = Guid.NewGuid().ToString("N");
            await _primary.PsqlAsync("product", "-v", $"role={role}", "-v", $"password={password}", "-f", Repository.PathOf("exporter", "Database", "exporter-role.sql"));

            _standby = await _primary.StartStandbyAsync("max_standby_streaming_delay=0", "hot_standby_feedback=off");
            await _standby.WaitForReplayAsync(_primary, TimeSpan.FromSeconds(60));
            await using (var standby = new NpgsqlConnection(_standby.ConnectionString("product")))
            {
                Assert.True(await standby.ExecuteScalarAsync<bool>("SELECT pg_is_in_recovery()"), "the standby is in recovery");
            }

            PrimaryAsRole = new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = password }.ConnectionString;
            StandbyAsRole = new NpgsqlConnectionStringBuilder(PrimaryAsRole) { Port = _standby.Port }.ConnectionString;
        }

        /// <summary>Waits until a statement containing <paramref name="text"/> is running on the standby.</summary>
        public async Task WaitForStandbyQueryAsync(string text, TimeSpan timeout)
        {
            await using var standby = new NpgsqlConnection(_standby!.ConnectionString("product"));
            var clock = Stopwatch.StartNew();
            while (!await standby.ExecuteScalarAsync<bool>(
                       "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND strpos(query, @text) > 0)", new { text }))
            {
                if (clock.Elapsed > timeout)
                {
                    throw new TimeoutException($"no statement containing '{text}' ran on the standby within {timeout}");
                }

                await Task.Delay(50);
            }
        }

        /// <summary>Statements the standby has cancelled in the product database for snapshot conflicts with replay.</summary>
        public async Task<long> StandbySnapshotConflictsAsync()
        {
            await using var standby = new NpgsqlConnection(_standby!.ConnectionString("product"));
            return await standby.ExecuteScalarAsync<long>("SELECT confl_snapshot FROM pg_stat_database_conflicts WHERE datname = current_database()");
        }

        /// <summary>Deletes and vacuums rows of a scratch table on the primary: a cleanup record every older standby snapshot conflicts with.</summary>
        public async Task VacuumAwayRowsOnThePrimaryAsync()
        {
            await using var primary = new NpgsqlConnection(_primary!.ConnectionString("product"));
            // Separate transactions: rows inserted and deleted by one transaction were never visible to anyone, and
            // their removal conflicts with no snapshot.
            await primary.ExecuteAsync("CREATE TABLE IF NOT EXISTS conflict_scratch (n int)");
            await primary.ExecuteAsync("INSERT INTO conflict_scratch SELECT generate_series(1, 1000)");
            await primary.ExecuteAsync("DELETE FROM conflict_scratch");
            await primary.ExecuteAsync("VACUUM conflict_scratch");
        }

        public async Task DisposeAsync()
        {
            if (_standby is not null)
            {
                await _standby.DisposeAsync();
            }

            if (_primary is not null)
            {
                await _primary.DisposeAsync();
            }
        }
    }
}
