using Npgsql;
using NpgsqlTypes;

namespace SaasExporter.Demo;

/// <summary>Streams generated rows into the tables with binary COPY, one connection per table.</summary>
internal sealed class CopySink : IDemoSink, IAsyncDisposable
{
    private readonly List<NpgsqlConnection> _connections = [];
    private readonly NpgsqlBinaryImporter _accounts, _users, _events, _subscriptions, _tickets, _surveys, _spend, _contacts, _deals;

    private CopySink(NpgsqlDataSource dataSource)
    {
        NpgsqlBinaryImporter Open(string copy)
        {
            var connection = dataSource.OpenConnection();
            _connections.Add(connection);
            return connection.BeginBinaryImport(copy);
        }

        _accounts = Open("COPY accounts (account_id, created_at, is_internal) FROM STDIN (FORMAT BINARY)");
        _users = Open("COPY users (user_id, account_id, created_at, activated_at, onboarding_completed_at, is_internal) FROM STDIN (FORMAT BINARY)");
        _events = Open("COPY events (user_id, occurred_at, name, feature, platform) FROM STDIN (FORMAT BINARY)");
        _subscriptions = Open("COPY subscriptions (subscription_id, account_id, plan, billing_interval, mrr, is_trial, valid_from, valid_to) FROM STDIN (FORMAT BINARY)");
        _tickets = Open("COPY tickets (ticket_id, account_id, created_at, first_response_at, resolved_at, priority) FROM STDIN (FORMAT BINARY)");
        _surveys = Open("COPY survey_responses (user_id, account_id, survey, score, responded_at) FROM STDIN (FORMAT BINARY)");
        _spend = Open("COPY marketing_spend (period_start, period_end, amount) FROM STDIN (FORMAT BINARY)");
        _contacts = Open("COPY contacts (contact_id, account_id, user_id, created_at) FROM STDIN (FORMAT BINARY)");
        _deals = Open("COPY deals (deal_id, account_id, user_id, created_at, closed_at, status, amount) FROM STDIN (FORMAT BINARY)");
    }

    public long Rows { get; private set; }

    public long Events { get; private set; }

    public static CopySink Open(NpgsqlDataSource dataSource) => new(dataSource);

    public void Account(AccountRow row) => Write(_accounts, row.AccountId, row.CreatedAt, row.IsInternal);

    public void User(UserRow row) =>
        Write(_users, row.UserId, row.AccountId, row.CreatedAt, row.ActivatedAt, row.OnboardingCompletedAt, row.IsInternal);

    public void Event(in EventRow row)
    {
        Events++;
        Write(_events, row.UserId, row.OccurredAt, row.Name, row.Feature, row.Platform);
    }

    public void Subscription(SubscriptionRow row) =>
        Write(_subscriptions, row.SubscriptionId, row.AccountId, row.Plan, row.BillingInterval, row.Mrr, row.IsTrial, row.ValidFrom, row.ValidTo);

    public void Ticket(TicketRow row) =>
        Write(_tickets, row.TicketId, row.AccountId, row.CreatedAt, row.FirstResponseAt, row.ResolvedAt, row.Priority);

    public void Survey(SurveyRow row) => Write(_surveys, row.UserId, row.AccountId, row.Survey, row.Score, row.RespondedAt);

    public void Spend(SpendRow row) => Write(_spend, row.PeriodStart, row.PeriodEnd, row.Amount);

    public void Contact(ContactRow row) => Write(_contacts, row.ContactId, row.AccountId, row.UserId, row.CreatedAt);

    public void Deal(DealRow row) => Write(_deals, row.DealId, row.AccountId, row.UserId, row.CreatedAt, row.ClosedAt, row.Status, row.Amount);

    /// <summary>Commits every COPY. Without this call, disposing aborts them all and nothing is written.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        foreach (var importer in new[] { _accounts, _users, _events, _subscriptions, _tickets, _surveys, _spend, _contacts, _deals })
        {
            await importer.CompleteAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var importer in new[] { _accounts, _users, _events, _subscriptions, _tickets, _surveys, _spend, _contacts, _deals })
        {
            await importer.DisposeAsync();
        }

        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private void Write(NpgsqlBinaryImporter importer, params object?[] values)
    {
        Rows++;
        importer.StartRow();
        foreach (var value in values)
        {
            switch (value)
            {
                case null: importer.WriteNull(); break;
                case long l: importer.Write(l, NpgsqlDbType.Bigint); break;
                case int i: importer.Write(i, NpgsqlDbType.Integer); break;
                case bool b: importer.Write(b, NpgsqlDbType.Boolean); break;
                case string s: importer.Write(s, NpgsqlDbType.Text); break;
                case decimal d: importer.Write(d, NpgsqlDbType.Numeric); break;
                case DateTimeOffset t: importer.Write(t, NpgsqlDbType.TimestampTz); break;
                case DateOnly d: importer.Write(d, NpgsqlDbType.Date); break;
                default: throw new ArgumentException($"unsupported COPY value {value.GetType()}");
            }
        }
    }
}
