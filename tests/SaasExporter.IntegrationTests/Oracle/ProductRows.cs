using Npgsql;

namespace SaasExporter.IntegrationTests.Oracle;

public sealed record OracleUser(long UserId, long AccountId, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt,
    DateTimeOffset? OnboardedAt, bool IsInternal);

public readonly record struct OracleEvent(long UserId, DateTimeOffset OccurredAt, string Name, string? Feature, string? Platform);

/// <summary>Every row the engagement and activation definitions read, loaded with plain SELECTs.</summary>
public sealed class ProductRows
{
    private ProductRows(Dictionary<long, OracleUser> users, HashSet<long> internalAccounts, OracleEvent[] events)
    {
        Users = users;
        InternalAccounts = internalAccounts;
        Events = events;
    }

    public IReadOnlyDictionary<long, OracleUser> Users { get; }

    public IReadOnlySet<long> InternalAccounts { get; }

    public IReadOnlyList<OracleEvent> Events { get; }

    public static async Task<ProductRows> LoadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var internalAccounts = new HashSet<long>();
        await using (var command = new NpgsqlCommand("SELECT account_id FROM accounts WHERE is_internal", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                internalAccounts.Add(reader.GetInt64(0));
            }
        }

        var users = new Dictionary<long, OracleUser>();
        await using (var command = new NpgsqlCommand(
            "SELECT user_id, account_id, created_at, activated_at, onboarding_completed_at, is_internal FROM users", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                users[reader.GetInt64(0)] = new OracleUser(reader.GetInt64(0), reader.GetInt64(1),
                    reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    reader.GetBoolean(5));
            }
        }

        var events = new List<OracleEvent>();
        await using (var command = new NpgsqlCommand("SELECT user_id, occurred_at, name, feature, platform FROM events", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                events.Add(new OracleEvent(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        return new ProductRows(users, internalAccounts, [.. events]);
    }
}
