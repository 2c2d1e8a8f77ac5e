using Npgsql;
using SaasExporter.Demo;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>One database seeded by the demo generator at scale 1, shared by the tests that need volume.</summary>
public static class SeededDatabase
{
    public static readonly DateTimeOffset AsOf = Instants.Utc("2026-11-05T00:00:00Z");
    public const int Seed = 7;
    public const double Scale = 1;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (PostgresFixture Fixture, string ConnectionString)? _seeded;

    public static async Task<string> GetAsync(PostgresFixture fixture)
    {
        await Gate.WaitAsync();
        try
        {
            if (_seeded is { } seeded && ReferenceEquals(seeded.Fixture, fixture))
            {
                return seeded.ConnectionString;
            }

            var connectionString = await fixture.CreateDatabaseAsync("seeded");
            await SeedAsync(connectionString, "public", new DemoParameters(Scale, Seed, AsOf, 180));
            _seeded = (fixture, connectionString);
            return connectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    internal static async Task SeedAsync(string connectionString, string schema, DemoParameters parameters)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, CommandTimeout = 0 };
        await using var dataSource = NpgsqlDataSource.Create(builder);
        await new DemoSeeder(dataSource, schema, TextWriter.Null, interactive: false).SeedAsync(parameters, replace: false, CancellationToken.None);
    }
}
