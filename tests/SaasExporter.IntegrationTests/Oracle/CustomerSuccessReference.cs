using Npgsql;

namespace SaasExporter.IntegrationTests.Oracle;

/// <summary>
/// The customer-success definitions (README, Metrics served now, the customer-success rows, with the choices the README documents)
/// computed the obvious way in C#, over rows read back with plain SELECTs: an oracle that shares no SQL and no code with
/// the support and survey collectors.
/// </summary>
public sealed class CustomerSuccessReference
{
    private readonly DateTimeOffset _now;
    private readonly List<Ticket> _tickets;
    private readonly List<Response> _responses;

    private CustomerSuccessReference(DateTimeOffset now, IReadOnlyDictionary<long, bool> accounts, IReadOnlyDictionary<long, bool> users,
        List<Ticket> tickets, List<Response> responses)
    {
        _now = now;

        // One reason per row, the first that applies; rows of every account are checked.
        TicketRejections = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["response_before_creation"] = tickets.Count(t => t.FirstResponseAt < t.CreatedAt),
            ["resolved_before_creation"] = tickets.Count(t => !(t.FirstResponseAt < t.CreatedAt) && t.ResolvedAt < t.CreatedAt),
        };
        bool CustomerAccount(long account) => accounts.TryGetValue(account, out var isInternal) && !isInternal;
        _tickets = [.. tickets.Where(t => !(t.FirstResponseAt < t.CreatedAt) && !(t.ResolvedAt < t.CreatedAt) && CustomerAccount(t.AccountId))];

        SurveyRejections = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["unknown_survey"] = responses.Count(r => !Scales.ContainsKey(r.Survey)),
            ["score_out_of_range"] = responses.Count(r => Scales.TryGetValue(r.Survey, out var scale) && (r.Score < scale.Min || r.Score > scale.Max)),
        };
        _responses = [.. responses.Where(r =>
            Scales.TryGetValue(r.Survey, out var scale) && r.Score >= scale.Min && r.Score <= scale.Max
            && CustomerAccount(r.AccountId)
            && !(users.TryGetValue(r.UserId, out var isInternalUser) && isInternalUser))];
    }

    private static readonly Dictionary<string, (int Min, int Max)> Scales = new(StringComparer.Ordinal)
    {
        ["nps"] = (0, 10),
        ["csat"] = (1, 5),
        ["ces"] = (1, 7),
    };

    public sealed record Ticket(long AccountId, DateTimeOffset CreatedAt, DateTimeOffset? FirstResponseAt, DateTimeOffset? ResolvedAt);

    public sealed record Response(long UserId, long AccountId, string Survey, int Score, DateTimeOffset RespondedAt);

    public IReadOnlyDictionary<string, int> TicketRejections { get; }

    public IReadOnlyDictionary<string, int> SurveyRejections { get; }

    public static async Task<CustomerSuccessReference> LoadAsync(string connectionString, DateTimeOffset now)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var accounts = await ReadFlags(connection, "SELECT account_id, is_internal FROM accounts");
        var users = await ReadFlags(connection, "SELECT user_id, is_internal FROM users");

        var tickets = new List<Ticket>();
        await using (var command = new NpgsqlCommand("SELECT account_id, created_at, first_response_at, resolved_at FROM tickets", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tickets.Add(new Ticket(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        var responses = new List<Response>();
        await using (var command = new NpgsqlCommand("SELECT user_id, account_id, survey, score, responded_at FROM survey_responses", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                responses.Add(new Response(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3),
                    reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        return new CustomerSuccessReference(now, accounts, users, tickets, responses);
    }

    private static async Task<Dictionary<long, bool>> ReadFlags(NpgsqlConnection connection, string sql)
    {
        var flags = new Dictionary<long, bool>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            flags[reader.GetInt64(0)] = reader.GetBoolean(1);
        }

        return flags;
    }

    private bool InWindow(DateTimeOffset? t, int days) => t > _now - TimeSpan.FromDays(days) && t <= _now;

    public int TicketsCreated(int days) => _tickets.Count(t => InWindow(t.CreatedAt, days));

    public int TicketsOpen() => _tickets.Count(t => t.CreatedAt <= _now && !(t.ResolvedAt <= _now));

    /// <summary>Quantile fraction to seconds; empty when no ticket qualifies.</summary>
    public Dictionary<double, double> FirstResponseSeconds(int days) => Quantiles(
        _tickets.Where(t => InWindow(t.CreatedAt, days) && t.FirstResponseAt <= _now)
            .Select(t => (t.FirstResponseAt!.Value - t.CreatedAt).TotalSeconds));

    public Dictionary<double, double> ResolutionSeconds(int days) => Quantiles(
        _tickets.Where(t => InWindow(t.ResolvedAt, days))
            .Select(t => (t.ResolvedAt!.Value - t.CreatedAt).TotalSeconds));

    /// <summary>(survey, bucket) to users whose latest valid response in the window falls in it; all nine pairs.</summary>
    public Dictionary<(string Survey, string Bucket), int> SurveyResponses(int days)
    {
        var counts = new[]
        {
            ("nps", "promoter"), ("nps", "passive"), ("nps", "detractor"),
            ("csat", "satisfied"), ("csat", "neutral"), ("csat", "unsatisfied"),
            ("ces", "easy"), ("ces", "neutral"), ("ces", "difficult"),
        }.ToDictionary(k => k, _ => 0);

        foreach (var answers in _responses.Where(r => InWindow(r.RespondedAt, days)).GroupBy(r => (r.UserId, r.Survey)))
        {
            var latest = answers.OrderByDescending(r => r.RespondedAt).ThenByDescending(r => r.Score).First();
            counts[(latest.Survey, Bucket(latest.Survey, latest.Score))]++;
        }

        return counts;
    }

    private static string Bucket(string survey, int score) => survey switch
    {
        "nps" => score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor",
        "csat" => score >= 4 ? "satisfied" : score == 3 ? "neutral" : "unsatisfied",
        "ces" => score >= 5 ? "easy" : score == 4 ? "neutral" : "difficult",
        _ => throw new ArgumentOutOfRangeException(nameof(survey), survey, "not a known survey"),
    };

    /// <summary>The 0.5 and 0.9 quantiles with linear interpolation between the closest ranks (percentile_cont).</summary>
    private static Dictionary<double, double> Quantiles(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var result = new Dictionary<double, double>();
        if (sorted.Length == 0)
        {
            return result;
        }

        foreach (var q in new[] { 0.5, 0.9 })
        {
            var rank = q * (sorted.Length - 1);
            var below = (int)Math.Floor(rank);
            var above = (int)Math.Ceiling(rank);
            result[q] = sorted[below] + ((sorted[above] - sorted[below]) * (rank - below));
        }

        return result;
    }
}
