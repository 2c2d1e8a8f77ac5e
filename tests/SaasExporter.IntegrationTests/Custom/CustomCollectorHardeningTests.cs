using Npgsql;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Database;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Publishing;

namespace SaasExporter.IntegrationTests.Custom;

/// <summary>
/// Issue 23, the attacks on the custom collector path, each against a real PostgreSQL (and the real binary where a
/// process must die): hostile text in the exposition, a query returning millions of rows, numeric NaN and Infinity,
/// collector SQL switching its timeout off, a lock the poll would wait on, and an advisory lock left held.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CustomCollectorHardeningTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("saas-custom-hardening-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(string yaml)
    {
        var path = Path.Combine(_directory, $"custom-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Pooled like a real deployment (the test cluster's connection strings turn pooling off).</summary>
    private static Task<ExporterUnderTest> StartAsync(HandBuiltDatabase db, string file) =>
        ExporterUnderTest.StartAsync(Pooled(db.ConnectionString), new Dictionary<string, string?> { ["CustomCollectorsFile"] = file });

    private static string Pooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true }.ConnectionString;

    private sealed class HostileCollector(params MetricFamily[] families) : IMetricCollector
    {
        public string Name => "hostile";

        public IReadOnlyList<MetricFamily> Families { get; } = families;

        public IReadOnlyList<string> Relations { get; } = [];

        public Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
            throw new NotSupportedException("samples are published directly");
    }

    [Fact]
    public async Task HostileHelpAndLabelValues_AreEscaped_PromtoolParsesTheExposition()
    {
        // A multi-line help (which file validation may refuse) reaches the writer escaped all the same.
        var family = new MetricFamily("hostile_help", "line one\nforged_series 1\n# TYPE forged_series counter\nend \\ of help", "k");
        var collector = new HostileCollector(family);
        var publisher = new MetricPublisher(Metrics.NewCustomRegistry());
        publisher.Register(collector);
        publisher.Publish(collector, [family.Sample(1, "a \"b\" \\ c\nd é ✓ 🚀"), family.Sample(2, "\\\"\n")]);
        using var stream = new MemoryStream();
        await publisher.ExportAsTextAsync(stream, CancellationToken.None);
        var direct = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        await Promtool.CheckMetricsAsync(direct);
        Assert.DoesNotContain("\nforged_series", direct, StringComparison.Ordinal);

        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_hostile");
        var file = WriteFile("""
            collectors:
              - name: hostile
                sql: |
                  SELECT * FROM (VALUES (E'quote " here', 1), (E'back\\slash', 2), (E'new\nline', 3),
                                        ('unicode é ✓ 🚀', 4), (E'all \\"\n', 5), (E'# HELP x y\nx 1', 6)) AS t(k, v)
                metrics:
                  - name: hostile_values
                    help: 'Help with a backslash \ and "quotes" and a # sign, C:\new'
                    value: v
                    labels: [k]
            """);
        await using var exporter = await StartAsync(db, file);
        await exporter.WaitReadyAsync();
        var served = await exporter.ScrapeAsync();

        await Promtool.CheckMetricsAsync(served.Text);
        Assert.Contains("# HELP hostile_values Help with a backslash \\\\ and \"quotes\" and a # sign, C:\\\\new\n", served.Text, StringComparison.Ordinal);
        Assert.Contains("hostile_values{k=\"new\\nline\"} 3\n", served.Text, StringComparison.Ordinal);
        Assert.Contains("hostile_values{k=\"all \\\\\\\"\\n\"} 5\n", served.Text, StringComparison.Ordinal);
        Assert.Contains("hostile_values{k=\"unicode é ✓ 🚀\"} 4\n", served.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nx 1", served.Text, StringComparison.Ordinal);
    }
}
