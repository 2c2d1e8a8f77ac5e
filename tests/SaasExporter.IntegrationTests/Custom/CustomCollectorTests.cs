using Dapper;
using Npgsql;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Custom;

/// <summary>
/// User-defined SQL collectors against a real PostgreSQL: bad query results never break the scrape, writes never
/// reach the database, and every metric type is exposed as Prometheus expects.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class CustomCollectorTests(PostgresFixture postgres) : IDisposable
{
    private static readonly DateTimeOffset Now = Utc("2026-06-30T12:00:00Z");
    private readonly string _directory = Directory.CreateTempSubdirectory("saas-custom-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(string yaml)
    {
        var path = Path.Combine(_directory, $"custom-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Starts the exporter; <paramref name="pooled"/> pools connections as a deployment does (the test cluster's
    /// connection strings turn pooling off).</summary>
    private static Task<ExporterUnderTest> StartAsync(HandBuiltDatabase db, string file, bool pooled = false) =>
        ExporterUnderTest.StartAsync(pooled ? Pooled(db.ConnectionString) : db.ConnectionString, new Dictionary<string, string?>
        {
            ["AsOf"] = Iso(Now),
            ["CustomCollectorsFile"] = file,
        });

    private static double Rejected(Exposition metrics, string metric, string reason) =>
        metrics.Value("saas_exporter_rows_rejected_total", ("relation", metric), ("reason", reason));

    [Fact]
    public async Task BadRows_AreDroppedAndCounted_TheRestOfTheExpositionIsServed()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_bad");
        var file = WriteFile("""
            collectors:
              - name: messy
                sql: |
                  SELECT * FROM (VALUES ('a', 1.0::float8, 'x'), ('b', NULL, 'x'), (NULL, 2.0, 'x'),
                                        ('d', 4.0, 'x'), ('d', 5.0, 'x'), ('e', 'NaN'::float8, 'x')) AS t(k, v, note)
                metrics:
                  - name: messy_value
                    help: One good row among bad ones.
                    value: v
                    labels: [k]
                  - name: messy_text
                    help: A text column is not a value.
                    value: note
              - name: many
                sql: SELECT g::text AS k, g AS v FROM generate_series(1, 600) AS g
                metrics:
                  - name: many_rows
                    help: More label sets than max_series.
                    value: v
                    labels: [k]
            """);

        await using var exporter = await StartAsync(db, file);
        await exporter.WaitReadyAsync();
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(["messy_value{k=\"a\"}"], metrics.Family("messy_value").Keys);
        Assert.Equal(1, metrics.Value("messy_value", ("k", "a")));
        Assert.Equal(1, Rejected(metrics, "messy_value", "null_value"));
        Assert.Equal(1, Rejected(metrics, "messy_value", "null_label"));
        Assert.Equal(2, Rejected(metrics, "messy_value", "duplicate_labels"));
        Assert.Equal(1, Rejected(metrics, "messy_value", "non_finite_value"));
        Assert.Empty(metrics.Family("messy_text"));
        Assert.Equal(6, Rejected(metrics, "messy_text", "non_numeric_value"));
        Assert.Equal(500, metrics.Family("many_rows").Count);
        Assert.Equal(100, Rejected(metrics, "many_rows", "max_series_exceeded"));
        foreach (var collector in new[] { "messy", "many" })
        {
            Assert.Equal(1, metrics.Value("saas_exporter_collector_up", ("collector", collector)));
            Assert.Equal(1, metrics.Value("saas_exporter_collector_degraded", ("collector", collector)));
        }

        // The built-in collectors are untouched.
        Assert.Equal(0, metrics.Value("saas_active_users", ("entity", "user"), ("window", "30d")));
        Assert.Equal(1, metrics.Value("saas_exporter_collector_up", ("collector", "engagement")));
        Assert.Contains("2 messy_value rows (duplicate_labels)",
            await exporter.Client.GetStringAsync(new Uri("/", UriKind.Relative)));
        await Promtool.CheckMetricsAsync(metrics.Text);
    }

    [Fact]
    public async Task WritingQueries_FailAndAreReported_AndTheDatabaseIsUnchanged()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_writes");
        await db.Account(1);
        await db.Deal(1, 1, Now.AddDays(-1));
        await db.Deal(2, 1, Now.AddDays(-2));
        var file = WriteFile("""
            collectors:
              - name: updates
                sql: UPDATE accounts SET is_internal = true RETURNING 1 AS v
                metrics: [{name: updated, help: An UPDATE., value: v}]
              - name: deletes
                sql: WITH gone AS (DELETE FROM deals RETURNING 1) SELECT count(*) AS v FROM gone
                metrics: [{name: deleted, help: A DELETE in a CTE., value: v}]
              - name: escapes
                sql: SELECT 1 AS v; COMMIT; DELETE FROM deals
                metrics: [{name: escaped, help: A write after leaving the read-only transaction., value: v}]
              - name: truncates
                sql: TRUNCATE deals
                metrics: [{name: truncated, help: A TRUNCATE., value: v}]
              - name: fine
                sql: SELECT count(*) AS v FROM deals
                metrics: [{name: deals_now, help: A read., value: v}]
            """);

        await using var exporter = await StartAsync(db, file);
        string[] writers = ["updates", "deletes", "escapes", "truncates"];
        var metrics = await exporter.ScrapeUntilAsync(
            m => writers.All(w => m.Get("saas_exporter_collector_runs_total", ("collector", w), ("result", "failure")) >= 1)
                 && m.Get("deals_now") is not null,
            TimeSpan.FromSeconds(60));

        foreach (var writer in writers)
        {
            Assert.Equal(0, metrics.Value("saas_exporter_collector_up", ("collector", writer)));
        }

        Assert.Equal(2, metrics.Value("deals_now"));
        var page = await exporter.Client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("25006: read_only_sql_transaction", page);
        Assert.Contains("sql holds 3 statements; a collector runs exactly one query", page);

        await using var connection = new NpgsqlConnection(db.ConnectionString);
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM deals"));
        Assert.False(await connection.ExecuteScalarAsync<bool>("SELECT bool_or(is_internal) FROM accounts"));
    }

    [Fact]
    public async Task CountersAndHistograms_AreExposedWithTheirTypes()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_types");
        var file = WriteFile("""
            collectors:
              - name: typed
                interval: 1h
                sql: SELECT * FROM (VALUES ('x', 0.5), ('x', 3), ('y', 30)) AS t(k, v)
                metrics:
                  - name: sizes
                    help: Each row observed once per poll.
                    type: histogram
                    value: v
                    labels: [k]
                    buckets: [1, 10]
              - name: totals
                interval: 1h
                sql: SELECT 42 AS n
                metrics:
                  - name: widgets_total
                    help: A running total kept by the product.
                    type: counter
                    value: n
                    static_labels: {source: demo}
            """);

        await using var exporter = await StartAsync(db, file);
        await exporter.WaitReadyAsync();
        var metrics = await exporter.ScrapeAsync();

        Assert.Contains("# TYPE sizes histogram", metrics.Text);
        Assert.Contains("# TYPE widgets_total counter", metrics.Text);
        Assert.Equal(1, metrics.Value("sizes_bucket", ("k", "x"), ("le", "1")));
        Assert.Equal(2, metrics.Value("sizes_bucket", ("k", "x"), ("le", "10")));
        Assert.Equal(2, metrics.Value("sizes_bucket", ("k", "x"), ("le", "+Inf")));
        Assert.Equal(3.5, metrics.Value("sizes_sum", ("k", "x")));
        Assert.Equal(1, metrics.Value("sizes_count", ("k", "y")));
        Assert.Equal(42, metrics.Value("widgets_total", ("source", "demo")));
        await Promtool.CheckMetricsAsync(metrics.Text);
    }

    [Fact]
    public async Task Check_ParsesEveryQuery_AndNamesTheCollectorAndMetricOfEachProblem()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_check");
        var file = WriteFile("""
            collectors:
              - name: typo
                sql: SELEC count(*) AS v FROM deals
                metrics: [{name: a, help: h, value: v}]
              - name: no_table
                sql: SELECT count(*) AS v FROM dealz
                metrics: [{name: b, help: h, value: v}]
              - name: no_value
                sql: SELECT count(*) AS n FROM deals
                metrics: [{name: c, help: h, value: v}]
              - name: no_label
                sql: SELECT count(*) AS v FROM deals
                metrics: [{name: d, help: h, value: v, labels: [status]}]
              - name: two
                sql: SELECT 1 AS v; SELECT 2 AS v
                metrics: [{name: e, help: h, value: v}]
              - name: good
                windows: [7d]
                sql: SELECT count(*) AS v FROM deals WHERE created_at > @window_start AND created_at <= @now
                metrics: [{name: f, help: h, value: v}]
            """);

        var result = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={db.ConnectionString}", $"--CustomCollectorsFile={file}"]);

        Assert.Equal(2, result.ExitCode);
        var custom = result.StderrLines.Where(l => l.StartsWith("saas-exporter: custom:", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, custom.Count);
        Assert.Contains(custom, l => l.Contains("collector 'typo': sql: 42601: syntax error at or near \"SELEC\"", StringComparison.Ordinal));
        Assert.Contains(custom, l => l.Contains("collector 'no_table': sql: 42P01: relation \"dealz\" does not exist", StringComparison.Ordinal));
        Assert.Contains(custom, l => l.Contains("collector 'no_value': metric 'c': value column 'v' is not a column of the query (columns: n)", StringComparison.Ordinal));
        Assert.Contains(custom, l => l.Contains("collector 'no_label': metric 'd': label column 'status' is not a column of the query (columns: v)", StringComparison.Ordinal));
        Assert.Contains(custom, l => l.Contains("collector 'two': sql holds 2 statements", StringComparison.Ordinal));
        Assert.DoesNotContain(custom, l => l.Contains("'good'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_RefusesAMalformedFile_WithOneLinePerProblem_BeforeTouchingTheDatabase()
    {
        var file = WriteFile("""
            collectors:
              - name: c
                sql: SELECT 1 AS v
                metrics:
                  - name: saas_active_users
                    help: h
                    value: v
            """);

        var result = await ExporterProcess.RunAsync(["serve", "--Database:ConnectionString=Host=127.0.0.1;Port=1", $"--CustomCollectorsFile={file}"]);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines, l => l.Contains(file, StringComparison.Ordinal));
        Assert.EndsWith($"CustomCollectorsFile: {file}:5:15: collector 'c': metric 'saas_active_users': name: collides with the built-in metric of collector 'engagement'", line);
    }
}
