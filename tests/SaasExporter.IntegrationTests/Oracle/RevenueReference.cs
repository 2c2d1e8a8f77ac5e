using Npgsql;

namespace SaasExporter.IntegrationTests.Oracle;

/// <summary>
/// The revenue and acquisition definitions (README, Metrics served now, the revenue rows, with the choices the
/// README documents) computed the obvious way in C# with decimal arithmetic, over rows read back with plain SELECTs:
/// an oracle that shares no SQL and no code with the collectors.
/// </summary>
public sealed class RevenueReference
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private readonly DateTimeOffset _now;
    private readonly List<Subscription> _valid;
    private readonly List<Spend> _spend;

    private RevenueReference(DateTimeOffset now, IReadOnlyDictionary<long, bool> accounts, List<Subscription> subscriptions, List<Spend> spend)
    {
        _now = now;
        _spend = spend;

        var rejected = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["negative_mrr"] = subscriptions.Count(s => s.Mrr < 0),
            ["invalid_period"] = subscriptions.Count(s => s.Mrr >= 0 && s.ValidTo is { } to && to <= s.ValidFrom),
        };

        // A row overlaps when it starts before an earlier row of its subscription (in the documented order) has ended.
        var wellFormed = subscriptions.Where(s => s.Mrr >= 0 && !(s.ValidTo is { } to && to <= s.ValidFrom)).ToList();
        var kept = new List<Subscription>();
        var overlapping = 0;
        foreach (var group in wellFormed.GroupBy(s => s.SubscriptionId))
        {
            var ordered = group
                .OrderBy(s => s.ValidFrom)
                .ThenBy(s => s.ValidTo ?? DateTimeOffset.MaxValue)
                .ThenBy(s => s.IsTrial)
                .ThenBy(s => s.Mrr)
                .ThenBy(s => s.Plan, StringComparer.Ordinal)
                .ThenBy(s => s.BillingInterval, StringComparer.Ordinal)
                .ThenBy(s => s.AccountId)
                .ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var row = ordered[i];
                if (ordered.Take(i).Any(earlier => (earlier.ValidTo ?? DateTimeOffset.MaxValue) > row.ValidFrom))
                {
                    overlapping++;
                }
                else
                {
                    kept.Add(row);
                }
            }
        }

        rejected["overlapping_state"] = overlapping;
        SubscriptionRejections = rejected;
        SpendRejections = spend.Count(s => s.End < s.Start);
        _valid = [.. kept.Where(s => accounts.TryGetValue(s.AccountId, out var isInternal) && !isInternal)];
    }

    public sealed record Subscription(long SubscriptionId, long AccountId, string Plan, string BillingInterval, decimal Mrr,
        bool IsTrial, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
    {
        public bool PaidAt(DateTimeOffset t) => !IsTrial && ValidFrom <= t && (ValidTo is null || ValidTo > t);
    }

    public sealed record Spend(DateOnly Start, DateOnly End, decimal Amount);

    public IReadOnlyDictionary<string, int> SubscriptionRejections { get; }

    public int SpendRejections { get; }

    private DateTimeOffset WindowStart => _now - Day * 30;

    public static async Task<RevenueReference> LoadAsync(string connectionString, DateTimeOffset now)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var accounts = new Dictionary<long, bool>();
        await using (var command = new NpgsqlCommand("SELECT account_id, is_internal FROM accounts", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                accounts[reader.GetInt64(0)] = reader.GetBoolean(1);
            }
        }

        var subscriptions = new List<Subscription>();
        await using (var command = new NpgsqlCommand(
            "SELECT subscription_id, account_id, plan, billing_interval, mrr, is_trial, valid_from, valid_to FROM subscriptions", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                subscriptions.Add(new Subscription(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                    reader.GetDecimal(4), reader.GetBoolean(5), reader.GetFieldValue<DateTimeOffset>(6),
                    reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
            }
        }

        var spend = new List<Spend>();
        await using (var command = new NpgsqlCommand("SELECT period_start, period_end, amount FROM marketing_spend", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                spend.Add(new Spend(reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1), reader.GetDecimal(2)));
            }
        }

        return new RevenueReference(now, accounts, subscriptions, spend);
    }

    private decimal MrrAt(long account, DateTimeOffset t) =>
        _valid.Where(s => s.AccountId == account && s.PaidAt(t)).Sum(s => s.Mrr);

    private Dictionary<long, decimal> AccountMrrAt(DateTimeOffset t) =>
        _valid.Where(s => s.PaidAt(t)).GroupBy(s => s.AccountId).ToDictionary(g => g.Key, g => g.Sum(s => s.Mrr));

    /// <summary>Customers at t with the billing interval of their largest current paid row (ties: alphabetical).</summary>
    private Dictionary<long, string> CustomersAt(DateTimeOffset t) =>
        _valid.Where(s => s.PaidAt(t))
            .GroupBy(s => s.AccountId)
            .Where(g => g.Sum(s => s.Mrr) > 0)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.Mrr).ThenBy(s => s.BillingInterval, StringComparer.Ordinal).First().BillingInterval);

    private static Dictionary<string, int> CountByInterval(IEnumerable<string> intervals)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal) { ["month"] = 0, ["year"] = 0 };
        foreach (var interval in intervals)
        {
            counts[interval] = counts.GetValueOrDefault(interval) + 1;
        }

        return counts;
    }

    /// <summary>
    /// saas_mrr by (plan, billing_interval): every pair with a current paid row, plans and intervals outside the
    /// default lists (docs/configuration.md: Plans, BillingIntervals) as other.
    /// </summary>
    public Dictionary<(string Plan, string Interval), decimal> Mrr() =>
        _valid.Where(s => s.PaidAt(_now))
            .GroupBy(s => (Listed(s.Plan, "starter", "pro", "business"), Listed(s.BillingInterval, "month", "year")))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Mrr));

    private static string Listed(string? value, params string[] list) =>
        value is null ? "unknown" : list.Contains(value, StringComparer.Ordinal) ? value : "other";

    public Dictionary<string, int> Customers() => CountByInterval(CustomersAt(_now).Values);

    public decimal MrrWindowStart() => AccountMrrAt(WindowStart).Values.Sum();

    public Dictionary<string, int> CustomersWindowStart() => CountByInterval(CustomersAt(WindowStart).Values);

    public Dictionary<string, int> ChurnedCustomers()
    {
        var now = CustomersAt(_now);
        return CountByInterval(CustomersAt(WindowStart).Where(c => !now.ContainsKey(c.Key)).Select(c => c.Value));
    }

    /// <summary>Movement name to (amount, accounts), all five present.</summary>
    public Dictionary<string, (decimal Amount, int Accounts)> Movements()
    {
        var result = new[] { "new", "expansion", "reactivation", "contraction", "churn" }.ToDictionary(m => m, _ => (Amount: 0m, Accounts: 0), StringComparer.Ordinal);
        var start = WindowStart;
        foreach (var account in _valid.Select(s => s.AccountId).Distinct())
        {
            var m0 = MrrAt(account, start);
            var m1 = MrrAt(account, _now);
            string? movement = null;
            if (m0 == 0 && m1 > 0)
            {
                var paidBefore = _valid.Any(s => s.AccountId == account && !s.IsTrial && s.Mrr > 0 && s.ValidFrom < start);
                movement = paidBefore ? "reactivation" : "new";
            }
            else if (m1 == 0 && m0 > 0)
            {
                movement = "churn";
            }
            else if (m0 > 0 && m1 > m0)
            {
                movement = "expansion";
            }
            else if (m1 > 0 && m1 < m0)
            {
                movement = "contraction";
            }

            if (movement is not null)
            {
                var (amount, accounts) = result[movement];
                result[movement] = (amount + Math.Abs(m1 - m0), accounts + 1);
            }
        }

        return result;
    }

    /// <summary>The 365-day cohort: (start, current, current_capped).</summary>
    public (decimal Start, decimal Current, decimal CurrentCapped) NrrCohort()
    {
        var then = AccountMrrAt(_now - Day * 365).Where(a => a.Value > 0).ToList();
        var now = AccountMrrAt(_now);
        return (then.Sum(a => a.Value), then.Sum(a => now.GetValueOrDefault(a.Key)), then.Sum(a => Math.Min(now.GetValueOrDefault(a.Key), a.Value)));
    }

    public (int Converted, int Canceled) TrialsEnded()
    {
        var converted = 0;
        var canceled = 0;
        foreach (var trial in _valid.Where(s => s.IsTrial && s.ValidTo > WindowStart && s.ValidTo <= _now))
        {
            var later = _valid.Where(s => s.AccountId == trial.AccountId && s.ValidFrom >= trial.ValidTo).ToList();
            var next = later.Count == 0 ? (DateTimeOffset?)null : later.Min(s => s.ValidFrom);
            if (next is { } at && at <= _now && later.Any(s => s.ValidFrom == at && !s.IsTrial && s.Mrr > 0))
            {
                converted++;
            }
            else
            {
                canceled++;
            }
        }

        return (converted, canceled);
    }

    public int NewCustomers(int days) =>
        _valid.Where(s => !s.IsTrial && s.Mrr > 0)
            .GroupBy(s => s.AccountId)
            .Select(g => g.Min(s => s.ValidFrom))
            .Count(first => first > _now - Day * days && first <= _now);

    public decimal MarketingSpend(int days)
    {
        var last = DateOnly.FromDateTime(_now.UtcDateTime);
        var first = last.AddDays(1 - days);
        var total = 0m;
        foreach (var row in _spend.Where(s => s.End >= s.Start))
        {
            var overlapFirst = row.Start > first ? row.Start : first;
            var overlapLast = row.End < last ? row.End : last;
            var inside = Math.Max(0, overlapLast.DayNumber - overlapFirst.DayNumber + 1);
            total += row.Amount * inside / (row.End.DayNumber - row.Start.DayNumber + 1);
        }

        return total;
    }
}
