using SaasExporter.Demo;

namespace SaasExporter.UnitTests.Slo;

/// <summary>
/// The demo's own activity, generated in memory by <see cref="DemoGenerator"/> (the rows <c>demo seed</c> writes), reduced
/// to what the engagement collector serves: distinct non-internal users with an event in a rolling window (now - w, now].
/// No event name is excluded, as in the default <c>ExcludedEvents</c>.
/// </summary>
internal sealed class DemoActivity : IDemoSink
{
    private readonly HashSet<long> _internalAccounts = [];
    private readonly Dictionary<long, long> _accountOf = [];
    private readonly HashSet<long> _internalUsers = [];
    private readonly Dictionary<long, List<DateTimeOffset>> _events = [];
    private readonly List<DateTimeOffset> _contacts = [];
    private readonly List<DateTimeOffset> _deals = [];
    private readonly DateTimeOffset _since;

    private DemoActivity(DateTimeOffset since) => _since = since;

    /// <summary>Generates the demo and keeps the events at or after <paramref name="since"/>.</summary>
    public static DemoActivity Generate(DemoParameters parameters, DateTimeOffset since)
    {
        var activity = new DemoActivity(since);
        new DemoGenerator(parameters, activity).Run();
        foreach (var times in activity._events.Values)
        {
            times.Sort();
        }

        return activity;
    }

    /// <summary>Distinct active users in (at - window, at], as saas_active_users{entity="user"} serves it.</summary>
    public int ActiveUsers(DateTimeOffset at, TimeSpan window)
    {
        var count = 0;
        foreach (var (user, times) in _events)
        {
            if (_internalUsers.Contains(user) || _internalAccounts.Contains(_accountOf.GetValueOrDefault(user)))
            {
                continue;
            }

            // The last event at or before `at`.
            var index = times.BinarySearch(at);
            index = index >= 0 ? index : ~index - 1;
            while (index + 1 < times.Count && times[index + 1] == at)
            {
                index++;
            }

            if (index >= 0 && times[index] > at - window)
            {
                count++;
            }
        }

        return count;
    }

    public void Account(AccountRow row)
    {
        if (row.IsInternal)
        {
            _internalAccounts.Add(row.AccountId);
        }
    }

    public void User(UserRow row)
    {
        _accountOf[row.UserId] = row.AccountId;
        if (row.IsInternal)
        {
            _internalUsers.Add(row.UserId);
        }
    }

    public void Event(in EventRow row)
    {
        if (row.OccurredAt < _since)
        {
            return;
        }

        if (!_events.TryGetValue(row.UserId, out var times))
        {
            _events[row.UserId] = times = [];
        }

        times.Add(row.OccurredAt);
    }

    public void Subscription(SubscriptionRow row)
    {
    }

    public void Ticket(TicketRow row)
    {
    }

    public void Survey(SurveyRow row)
    {
    }

    public void Spend(SpendRow row)
    {
    }

    public void Contact(ContactRow row)
    {
        if (!_internalAccounts.Contains(row.AccountId))
        {
            _contacts.Add(row.CreatedAt);
        }
    }

    public void Deal(DealRow row)
    {
        if (!_internalAccounts.Contains(row.AccountId))
        {
            _deals.Add(row.CreatedAt);
        }
    }

    /// <summary>Contacts created by non-internal accounts in (at - window, at], as crm_contacts_created serves it.</summary>
    public int ContactsCreated(DateTimeOffset at, TimeSpan window) => _contacts.Count(t => t > at - window && t <= at);

    /// <summary>Deals created by non-internal accounts in (at - window, at], as crm_deals_created serves it.</summary>
    public int DealsCreated(DateTimeOffset at, TimeSpan window) => _deals.Count(t => t > at - window && t <= at);
}
