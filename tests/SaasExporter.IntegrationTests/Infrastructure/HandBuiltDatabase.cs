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

    public Task Subscription(long id, long account, decimal mrr, DateTimeOffset from, DateTimeOffset? to = null,
        string plan = "pro", string interval = "month", bool trial = false) => Execute(
        """
        INSERT INTO subscriptions (subscription_id, account_id, plan, billing_interval, mrr, is_trial, valid_from, valid_to)
        VALUES (@id, @account, @plan, @interval, @mrr, @trial, @from, @to)
        """,
        new { id, account, plan, interval, mrr, trial, from, to });

    /// <summary>Spend over the calendar dates [start, end], both included (dates as yyyy-MM-dd).</summary>
    public Task Spend(string start, string end, decimal amount) => Execute(
        "INSERT INTO marketing_spend (period_start, period_end, amount) VALUES (@start::date, @end::date, @amount)",
        new { start, end, amount });

    public Task Ticket(long id, long account, DateTimeOffset createdAt, DateTimeOffset? firstResponseAt = null,
        DateTimeOffset? resolvedAt = null, string? priority = "normal") => Execute(
        """
        INSERT INTO tickets (ticket_id, account_id, created_at, first_response_at, resolved_at, priority)
        VALUES (@id, @account, @createdAt, @firstResponseAt, @resolvedAt, @priority)
        """,
        new { id, account, createdAt, firstResponseAt, resolvedAt, priority });

    public Task Survey(long user, long account, string survey, int score, DateTimeOffset respondedAt) => Execute(
        "INSERT INTO survey_responses (user_id, account_id, survey, score, responded_at) VALUES (@user, @account, @survey, @score, @respondedAt)",
        new { user, account, survey, score, respondedAt });

    public Task Deal(long id, long account, DateTimeOffset createdAt, DateTimeOffset? closedAt = null, string status = "open",
        long user = 1, decimal amount = 1000) => Execute(
        """
        INSERT INTO deals (deal_id, account_id, user_id, created_at, closed_at, status, amount)
        VALUES (@id, @account, @user, @createdAt, @closedAt, @status, @amount)
        """,
        new { id, account, user, createdAt, closedAt, status, amount });

    public Task Contact(long id, long account, DateTimeOffset createdAt, long user = 1) => Execute(
        "INSERT INTO contacts (contact_id, account_id, user_id, created_at) VALUES (@id, @account, @user, @createdAt)",
        new { id, account, user, createdAt });

    public Task Sql(string sql) => Execute(sql, new { });

    private async Task Execute(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.ExecuteAsync(sql, parameters);
    }
}
