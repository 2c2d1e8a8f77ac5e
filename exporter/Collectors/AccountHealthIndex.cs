using SaasExporter.Database;
using SaasExporter.Events;
using SaasExporter.Incremental;

namespace SaasExporter.Collectors;

/// <summary>
/// <see cref="AccountHealthDefinition"/>'s inputs: the customers' other inputs from SQL over the small relations, their
/// usage from the activity index. A counted user is active when its last event is inside 30 days; an account's active
/// days are the calendar days among the 30 ending today on which any of its counted users was active.
/// </summary>
internal sealed class AccountHealthIndex(AccountHealthDefinition definition, ActivityIndexStore store) : IEventSource<IReadOnlyList<AccountHealthInputs>>
{
    public async Task<IReadOnlyList<AccountHealthInputs>> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        // Read before the index's turn, so the statement over subscriptions and tickets does not hold up other polls.
        await db.QueryAsync<string>(AccountHealthQuery.NoNestedLoops, null, cancellationToken);
        var customers = await db.QueryAsync<AccountHealthCustomer>(
            AccountHealthQuery.CustomersSql, AccountHealthQuery.Parameters(now, definition.Options), cancellationToken);
        return await store.ReadWithUsersAsync(now, db, (view, users) => Usage(view, users, customers), cancellationToken);
    }

    private static List<AccountHealthInputs> Usage(IndexView view, List<(long User, long Account)> users, IEnumerable<AccountHealthCustomer> customers)
    {
        var windowStart = view.WindowStart(AccountHealthQuery.Thirty);
        var firstDay = view.Today - (AccountHealthQuery.UsageDays - 1);
        var usage = new Dictionary<long, (long ActiveUsers, uint Days)>();
        foreach (var (user, account) in users)
        {
            if (!view.Index.TryGetSlot(user, out var slot))
            {
                continue;
            }

            var days = 0u;
            for (var d = 0; d < AccountHealthQuery.UsageDays; d++)
            {
                days |= view.Index.ActiveOn(slot, firstDay + d) ? 1u << d : 0;
            }

            var active = view.Index.Last(slot) > windowStart ? 1 : 0;
            if (active == 0 && days == 0)
            {
                continue;
            }

            var (activeUsers, accountDays) = usage.GetValueOrDefault(account);
            usage[account] = (activeUsers + active, accountDays | days);
        }

        return
        [
            .. customers.Select(c => usage.TryGetValue(c.AccountId, out var u)
                ? c.WithUsage(u.ActiveUsers, System.Numerics.BitOperations.PopCount(u.Days))
                : c.WithUsage(0, 0)),
        ];
    }
}
