using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Oracle;

/// <summary>
/// One oracle comparison on the seeded database: what the real exporter serves at an instant and zone (with the
/// demo's system event excluded), beside the C# reference computed over the same rows.
/// </summary>
public static class SeededEvaluation
{
    public const string ExcludedEvent = "notification_sent";

    /// <summary>Starts the real exporter on the seeded database with the settings, and scrapes it once it is ready.</summary>
    public static async Task<(string ConnectionString, Exposition Served)> ScrapeAsync(PostgresFixture postgres, IDictionary<string, string?> settings)
    {
        var connectionString = await SeededDatabase.GetAsync(postgres);
        await using var exporter = await ExporterUnderTest.StartAsync(connectionString, settings);
        await exporter.WaitReadyAsync();
        return (connectionString, await exporter.ScrapeAsync());
    }

    public static async Task<(Exposition Served, ReferenceMetrics Oracle)> RunAsync(PostgresFixture postgres, string asOf, string zone)
    {
        var (connectionString, served) = await ScrapeAsync(postgres, new Dictionary<string, string?>
        {
            ["AsOf"] = asOf,
            ["ReportingTimeZone"] = zone,
            ["ExcludedEvents:0"] = ExcludedEvent,
        });
        var oracle = new ReferenceMetrics(await ProductRows.LoadAsync(connectionString), Instants.Utc(asOf),
            TimeZoneInfo.FindSystemTimeZoneById(zone), new HashSet<string> { ExcludedEvent });
        return (served, oracle);
    }
}
