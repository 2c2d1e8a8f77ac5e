using System.Globalization;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SaasExporter.Collectors;
using SaasExporter.Demo;
using SaasExporter.Hosting;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Polling;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>
/// After the index's first load, a steady poll of every event collector reads from events only the rows inserted
/// since the watermark and those inside the lateness allowance, not the table: measured by PostgreSQL's own counters
/// (pg_stat_user_tables and pg_stat_user_indexes for events: tuples read by sequential scans plus index entries read),
/// with the exporter's statements listed from pg_stat_statements. The SQL source's poll, measured the same way, reads
/// far more, which shows the measurement can tell the two apart. The polls of the steady round share one evaluation
/// instant (a settable clock), so the bound is exact: the first catches the index up in one statement, the others find
/// it at its watermark. (In the serving exporter each poll has its own instant: each catch-up reads the rows since the
/// previous one and those inside the allowance again.)
/// </summary>
public sealed class SteadyPollReadsTests(ITestOutputHelper output)
{
    private const int NewRows = 400;
    private const int LateRows = 60;
    private static readonly TimeSpan Lateness = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Index entries the planner itself reads per statement: a bound past the column's histogram makes it look up the
    /// actual end of the index (one entry per end it looks up), which the counters include.
    /// </summary>
    private const int PlannerProbes = 2;

    private const string RowsReadSql = """
        SELECT coalesce((SELECT seq_tup_read FROM pg_stat_user_tables WHERE relname = 'events'), 0)
             + coalesce((SELECT sum(idx_tup_read) FROM pg_stat_user_indexes WHERE relname = 'events'), 0)
        """;

    [Fact]
    public async Task SteadyPoll_OfEveryEventCollector_ReadsOnlyTheNewRowsAndTheLatenessAllowance()
    {
        await using var cluster = await PostgresCluster.StartAsync("shared_preload_libraries=pg_stat_statements");
        var connectionString = await cluster.CreateDatabaseAsync("steady");
        // Whole seconds: the instants the exporter sends and the rows the test inserts compare exactly.
        var t1 = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.25, 31, t1, 150));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var admin = await dataSource.OpenConnectionAsync())
        {
            await admin.ExecuteAsync("CREATE EXTENSION pg_stat_statements");
            // Rows inside the allowance before the first load: every catch-up reads them again.
            await InsertEventsAsync(admin, LateRows, t1 - Lateness, t1);
        }

        var families = RegisteredEventFamilies.All.Select(f => f.Name).ToArray();
        var clock = new SettableClock(t1);
        await using var exporter = Exporter(connectionString, "incremental", clock);
        await PollAllAsync(exporter, families);
        var tableRows = await ScalarAsync(dataSource, "SELECT count(*) FROM events");

        var t2 = t1.AddMinutes(2);
        await using (var writer = await dataSource.OpenConnectionAsync())
        {
            await InsertEventsAsync(writer, NewRows, t1, t2);
        }

        var bound = await ScalarAsync(dataSource, $"SELECT count(*) FROM events WHERE occurred_at > '{Iso(t1 - Lateness)}' AND occurred_at <= '{Iso(t2)}'");
        var before = await SettledRowsReadAsync(dataSource);
        await ScalarAsync(dataSource, "SELECT count(*) FROM (SELECT pg_stat_statements_reset()) r");
        clock.Now = t2;
        await PollAllAsync(exporter, families);
        var incrementalRead = await SettledRowsReadAsync(dataSource) - before;
        var (statements, calls) = await StatementsAsync(dataSource);

        await using var sqlExporter = Exporter(connectionString, "sql", new SettableClock(t2));
        var sqlBefore = await SettledRowsReadAsync(dataSource);
        await PollAllAsync(sqlExporter, families);
        var sqlRead = await SettledRowsReadAsync(dataSource) - sqlBefore;

        output.WriteLine($"events: {tableRows} rows after the first load; {NewRows} inserted after the watermark; {bound} in (watermark - lateness, now] (the bound)");
        output.WriteLine($"steady poll of {string.Join(", ", families)}: rows read from events, incremental source {incrementalRead}, SQL source {sqlRead}");
        output.WriteLine("exporter statements on events (pg_stat_statements): calls, rows returned, shared blocks hit+read, query");
        foreach (var line in statements)
        {
            output.WriteLine("  " + line);
        }

        Assert.Equal(1, calls);
        Assert.InRange(incrementalRead, NewRows, bound + (PlannerProbes * calls));
        Assert.True(sqlRead > 10 * bound, $"the SQL source read {sqlRead} rows, not more than 10 x {bound}: the measurement does not tell the sources apart");
        Assert.True(tableRows > 50 * bound, $"{tableRows} rows in events is too few next to the bound {bound} to show anything");
    }

    private static ServiceProvider Exporter(string connectionString, string source, SettableClock clock)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["EventMetrics:Source"] = source,
            ["EventMetrics:Lateness"] = "5m",
        }).Build();
        var settings = ExporterConfiguration.Load(configuration);
        Assert.Empty(settings.Errors);
        var services = new ServiceCollection().AddLogging().AddExporter(settings);
        services.AddSingleton<TimeProvider>(clock);
        return services.BuildServiceProvider();
    }

    private static async Task PollAllAsync(ServiceProvider exporter, string[] names)
    {
        var executor = exporter.GetRequiredService<PollExecutor>();
        var collectors = exporter.GetServices<IMetricCollector>().ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var name in names)
        {
            var outcome = await executor.PollAsync(collectors[name], CancellationToken.None);
            var status = exporter.GetRequiredService<CollectorStatusBoard>().All.Single(s => s.Collector == name);
            Assert.True(outcome == PollOutcome.Succeeded, $"poll of {name}: {outcome}: {status.LastError}");
        }
    }

    /// <summary>Events of counted users spread over (after, until], whole microseconds.</summary>
    private static async Task InsertEventsAsync(NpgsqlConnection connection, int rows, DateTimeOffset after, DateTimeOffset until) =>
        await connection.ExecuteAsync("""
            INSERT INTO events (user_id, occurred_at, name, feature, platform)
            SELECT u.user_id, @until - (i * ((@until - @after) / (@rows + 1))), 'contact_viewed', 'contacts', 'web'
            FROM generate_series(1, @rows) AS i
            JOIN LATERAL (SELECT user_id FROM users WHERE NOT is_internal ORDER BY user_id OFFSET (i * 7) % 1000 LIMIT 1) u ON true
            """, new { rows, after, until });

    /// <summary>
    /// The events read counters once every other session of the database has ended and the counters stopped moving:
    /// a backend flushes its counters when it goes idle (within a second) or exits, shortly after it leaves pg_stat_activity.
    /// </summary>
    private static async Task<long> SettledRowsReadAsync(NpgsqlDataSource dataSource)
    {
        long? previous = null;
        for (var attempt = 0; attempt < 60; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await using var connection = await dataSource.OpenConnectionAsync();
            var others = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
            var read = await connection.ExecuteScalarAsync<long>(RowsReadSql);
            if (others == 0 && read == previous)
            {
                return read;
            }

            previous = others == 0 ? read : null;
        }

        throw new Xunit.Sdk.XunitException("the events counters never settled");
    }

    /// <summary>The statements on events since the reset, one line each, and how many times they ran in all.</summary>
    private static async Task<(List<string> Lines, long Calls)> StatementsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(long Calls, long Rows, long Blocks, string Query)>("""
            SELECT calls, rows, shared_blks_hit + shared_blks_read, regexp_replace(query, '\s+', ' ', 'g')
            FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query ~* 'from\s+events' AND query !~* 'pg_stat'
            ORDER BY query
            """);
        return ([.. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Calls}, {r.Rows}, {r.Blocks}, {r.Query}"))], rows.Sum(r => r.Calls));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
