using SaasExporter.Demo;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// Two users of one account, one active in the last day: a dataset whose answers are known by heart, for tests about
/// faults rather than arithmetic (with <see cref="Now"/> pinned as AsOf, every healthy poll publishes the same values).
/// </summary>
public static class SmallProductDataset
{
    public static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    public static async Task<HandBuiltDatabase> CreateAsync(PostgresCluster cluster, string name, string? encoding = null)
    {
        var db = new HandBuiltDatabase(await cluster.CreateDatabaseAsync(name, encoding));
        await using (var connection = new Npgsql.NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await DemoSchema.ApplyAsync(connection, "public", CancellationToken.None);
        }

        await db.Account(1);
        await db.User(1, 1, Now.AddDays(-3));
        await db.User(2, 1, Now.AddDays(-2));
        await db.Event(1, Now.AddHours(-1));
        await db.Event(2, Now.AddDays(-2));
        return db;
    }

    /// <summary>The business series of an exposition: everything but the exporter's own saas_exporter_* series.</summary>
    public static Dictionary<string, double> BusinessSeries(Exposition exposition) =>
        exposition.Series.Where(s => !s.Key.StartsWith("saas_exporter_", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
}
