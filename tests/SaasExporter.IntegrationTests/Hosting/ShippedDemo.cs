using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>One small demo database (scale 0.05, 180 days, seed 42) for the tests that run shipped configurations, seeded on first use.</summary>
public static class ShippedDemo
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (PostgresFixture Fixture, string ConnectionString)? _seeded;

    public static async Task<string> DatabaseAsync(PostgresFixture postgres)
    {
        await Gate.WaitAsync();
        try
        {
            if (_seeded is not { } seeded || !ReferenceEquals(seeded.Fixture, postgres))
            {
                var connectionString = await postgres.CreateDatabaseAsync("shipped");
                await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.05, 42, Utc("2026-11-05T00:00:00Z"), 180));
                _seeded = (postgres, connectionString);
            }

            return _seeded.Value.ConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }
}
