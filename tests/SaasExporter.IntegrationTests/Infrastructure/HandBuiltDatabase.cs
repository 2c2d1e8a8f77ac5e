using Dapper;
using Npgsql;
using SaasExporter.Demo;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>A reference-schema database filled row by row, for datasets whose answers are computed by hand.</summary>
public sealed class HandBuiltDatabase(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    public static async Task<HandBuiltDatabase> CreateAsync(PostgresFixture fixture, string prefix)
    {
        var connectionString = await fixture.CreateDatabaseAsync(prefix);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await DemoSchema.ApplyAsync(connection, "public", CancellationToken.None);
        return new HandBuiltDatabase(connectionString);
    }

    public Task Account(long id, bool isInternal = false, DateTimeOffset? createdAt = null) => Execute(
        "INSERT INTO accounts (account_id, created_at, is_internal) VALUES (@id, @createdAt, @isInternal)",
        new { id, createdAt = createdAt ?? DateTimeOffset.Parse("2025-01-01T00:00:00Z"), isInternal });

    public Task User(long id, long account, DateTimeOffset? createdAt = null, DateTimeOffset? activatedAt = null,
        DateTimeOffset? onboardedAt = null, bool isInternal = false) => Execute(
        """
        INSERT INTO users (user_id, account_id, created_at, activated_at, onboarding_completed_at, is_internal)
        VALUES (@id, @account, @createdAt, @activatedAt, @onboardedAt, @isInternal)
        """,
        new { id, account, createdAt = createdAt ?? DateTimeOffset.Parse("2025-01-01T00:00:00Z"), activatedAt, onboardedAt, isInternal });

    public Task Event(long user, DateTimeOffset at, string platform = "web", string name = "contact_viewed", string? feature = "contacts") => Execute(
        "INSERT INTO events (user_id, occurred_at, name, feature, platform) VALUES (@user, @at, @name, @feature, @platform)",
        new { user, at, name, feature, platform });

    private async Task Execute(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.ExecuteAsync(sql, parameters);
    }
}
