using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>The serving exporter with EventMetrics:Source=incremental: ready only once the index is loaded, same series as SQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class IncrementalServeTests(PostgresFixture postgres)
{
    /// <summary>The metric families of every registered event family.</summary>
    private static readonly string[] Families =
        [.. RegisteredEventFamilies.All.SelectMany(f => f.Descriptor.Families).Select(f => f.Name)];

    [Fact]
    public async Task Serve_Incremental_BecomesReadyWithTheIndexLoadedAndServesTheSqlSeries()
    {
        var asOf = Utc("2026-11-05T00:00:00Z");
        var connectionString = await postgres.CreateDatabaseAsync("incremental_serve");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.05, 31, asOf, 150));
        var settings = new Dictionary<string, string?> { ["AsOf"] = Iso(asOf), ["ReportingTimeZone"] = "Europe/Berlin", ["EventMetrics:Source"] = "sql" };

        await using var sql = await ExporterUnderTest.StartAsync(connectionString, settings);
        await sql.WaitReadyAsync();
        var expected = await sql.ScrapeAsync();

        settings["EventMetrics:Source"] = "incremental";
        await using var incremental = await ExporterUnderTest.StartAsync(connectionString, settings);
        await incremental.WaitReadyAsync();
        var actual = await incremental.ScrapeAsync();

        Assert.True(actual.Value("saas_exporter_index_users") > 100);
        Assert.True(actual.Value("saas_exporter_index_bytes") > 0);
        Assert.Null(expected.Get("saas_exporter_index_users"));
        foreach (var family in Families)
        {
            Assert.NotEmpty(expected.Family(family));
            Assert.Equal(expected.Family(family).OrderBy(p => p.Key), actual.Family(family).OrderBy(p => p.Key));
        }
    }
}
