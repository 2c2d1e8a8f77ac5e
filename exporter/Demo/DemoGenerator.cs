namespace SaasExporter.Demo;

/// <summary>
/// Generates a realistic SaaS CRM, account by account, in a fixed order from fixed seeds: the same parameters always
/// give the same rows. Accounts trial, convert, upgrade, downgrade, churn and come back; their users sign up, activate,
/// onboard, use four features on web, mobile and the API with weekday seasonality, go dormant and resurrect, open
/// tickets and answer surveys.
/// </summary>
internal sealed class DemoGenerator(DemoParameters parameters, IDemoSink sink)
{
    private const int InternalAccounts = 3;
    private static readonly TimeSpan TrialLength = TimeSpan.FromDays(14);

    private readonly DateTimeOffset _start = parameters.Start;
    private readonly DateTimeOffset _asOf = parameters.AsOf;
    private long _userId;
    private long _subscriptionId;
    private long _ticketId;
    private long _dealId;
    private long _contactId;

    private enum Profile { Power, Regular, Casual, OneShot }

    public void Run()
    {
        var sizes = AccountSizes();
        for (var i = 0; i < InternalAccounts; i++)
        {
            GenerateAccount(i + 1, _start, size: 4, isInternal: true);
        }

        var span = (_asOf - _start).TotalSeconds;
        for (var k = 0; k < sizes.Count; k++)
        {
            // Cumulative signups grow like t^1.5: the product is growing, recent months bring more accounts.
            var fraction = Math.Pow((k + 0.5) / sizes.Count, 1 / 1.5);
            GenerateAccount(InternalAccounts + k + 1, _start.AddSeconds(Math.Floor(span * fraction)), sizes[k], isInternal: false);
        }

        GenerateMarketingSpend();
    }

    private List<int> AccountSizes()
    {
        var random = DemoRandom.For(parameters.Seed, 0);
        var sizes = new List<int>();
        long total = 0;
        while (total < parameters.TargetUsers)
        {
            var size = (int)Math.Min(1 + Math.Floor(random.Exponential(3)), parameters.TargetUsers - total);
            sizes.Add(size);
            total += size;
        }

        return sizes;
    }

    private void GenerateAccount(long accountId, DateTimeOffset createdAt, int size, bool isInternal)
    {
        var random = DemoRandom.For(parameters.Seed, accountId);
        sink.Account(new AccountRow(accountId, createdAt, isInternal));

        var users = new List<(long Id, Profile Profile)>();
        for (var i = 0; i < size; i++)
        {
            var userCreated = i == 0 ? createdAt : Clamp(createdAt.AddDays(random.Exponential(12)), createdAt);
            // A few staff users inside customer accounts too (support impersonation, say): internal, never counted.
            var internalUser = isInternal || random.Chance(0.002);
            users.Add(GenerateUser(random, accountId, userCreated, internalUser));
        }

        if (!isInternal)
        {
            GenerateSubscriptions(random, accountId, createdAt);
            GenerateTickets(random, accountId, createdAt, users);
        }
    }

    private (long, Profile) GenerateUser(DemoRandom random, long accountId, DateTimeOffset createdAt, bool isInternal)
    {
        var userId = ++_userId;
        var profile = (Profile)random.Pick([0.12, 0.33, 0.35, 0.20]);
        var activated = random.Chance(profile == Profile.OneShot ? 0.15 : 0.78);
        var activatedAt = activated ? Cap(createdAt.AddHours(random.LogNormal(20, 1.3))) : null;
        var onboarded = random.Chance(activated ? 0.7 : 0.08);
        var onboardedAt = onboarded ? Cap(createdAt.AddHours(random.LogNormal(40, 1.1))) : null;
        sink.User(new UserRow(userId, accountId, createdAt, activatedAt, onboardedAt, isInternal));

        GenerateActivity(random, userId, accountId, createdAt, profile, activated);
        GenerateSurveys(random, userId, accountId, createdAt, profile, onboardedAt);
        return (userId, profile);
    }

    private void GenerateActivity(DemoRandom random, long userId, long accountId, DateTimeOffset createdAt, Profile profile, bool activated)
    {
        var featureWeights = DemoCatalog.FeatureWeights.Select(w => w * (0.3 + random.Next() * 1.4)).ToArray();
        var platformWeights = random.Pick([0.6, 0.3, 0.1]) switch
        {
            0 => new[] { 1.0, 0.0, 0.0 },
            1 => [0.65, 0.35, 0.0],
            _ => [0.3, 0.0, 0.7],
        };
        var daily = profile switch { Profile.Power => 0.8, Profile.Regular => 0.45, Profile.Casual => 0.14, _ => 0.9 };
        if (!activated)
        {
            daily *= 0.4;
        }

        var lifetime = profile switch
        {
            Profile.OneShot => 1 + random.Next(0, 3),
            Profile.Power => random.Exponential(200),
            Profile.Regular => random.Exponential(110),
            _ => random.Exponential(60),
        };

        var activeUntil = createdAt.AddDays(lifetime);
        DateTimeOffset? resurrectAt = random.Chance(0.25) ? activeUntil.AddDays(31 + random.Exponential(25)) : null;
        var resurrectedUntil = resurrectAt?.AddDays(random.Exponential(45));

        var firstDay = DayStart(createdAt);
        for (var day = firstDay; day <= _asOf; day = day.AddDays(1))
        {
            var inLife = day < activeUntil || (resurrectAt is { } r && day >= DayStart(r) && day < resurrectedUntil);
            if (!inLife)
            {
                continue;
            }

            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var isFirstDay = day == firstDay;
            if (!isFirstDay && !random.Chance(daily * (weekend ? 0.3 : 1)))
            {
                continue;
            }

            var sessions = 1 + random.Poisson(profile == Profile.Power ? 1.2 : 0.35);
            var sessionStart = isFirstDay ? createdAt : day.AddHours(7 + random.Next() * 4);
            for (var s = 0; s < sessions; s++)
            {
                if (sessionStart < createdAt || sessionStart > _asOf || DayStart(sessionStart) != day)
                {
                    break;
                }

                sessionStart = GenerateSession(random, userId, accountId, sessionStart, featureWeights, platformWeights);
                sessionStart = sessionStart.AddMinutes(40 + random.Exponential(150));
            }
        }
    }

    /// <summary>Writes one session's events and returns the time of its last event.</summary>
    private DateTimeOffset GenerateSession(DemoRandom random, long userId, long accountId, DateTimeOffset at, double[] featureWeights, double[] platformWeights)
    {
        var platform = DemoCatalog.Platforms[random.Pick(platformWeights)];
        if (random.Chance(0.05))
        {
            sink.Event(new EventRow(userId, at, DemoCatalog.NotificationSent, null, null));
        }

        if (platform != "api" && random.Chance(0.3))
        {
            sink.Event(new EventRow(userId, at, DemoCatalog.Login, null, platform));
        }

        var events = 1 + (int)Math.Floor(random.Exponential(5));
        var last = at;
        for (var i = 0; i < events; i++)
        {
            if (at > _asOf)
            {
                break;
            }

            var feature = random.Pick(featureWeights);
            var action = DemoCatalog.Actions[feature][random.Pick(DemoCatalog.ActionWeights[feature])];
            sink.Event(new EventRow(userId, at, action, DemoCatalog.Features[feature], platform));
            if (action == "deal_created")
            {
                GenerateDeal(random, userId, accountId, at);
            }
            else if (action == "contact_created")
            {
                sink.Contact(new ContactRow(++_contactId, accountId, userId, at));
            }

            last = at;
            at = at.AddSeconds(Math.Round(Math.Min(random.LogNormal(90, 0.9), 1500)));
        }

        return last;
    }

    private void GenerateDeal(DemoRandom random, long userId, long accountId, DateTimeOffset createdAt)
    {
        var amount = Math.Round((decimal)random.LogNormal(5000, 0.8), 2);
        var outcome = random.Pick([0.25, 0.35, 0.4]);
        var closedAt = Cap(createdAt.AddDays(5 + random.Exponential(25)));
        var (status, closed) = outcome switch
        {
            0 when closedAt is not null => ("won", closedAt),
            1 when closedAt is not null => ("lost", closedAt),
            _ => ("open", (DateTimeOffset?)null),
        };
        sink.Deal(new DealRow(++_dealId, accountId, userId, createdAt, closed, status, amount));
    }

    private void GenerateSubscriptions(DemoRandom random, long accountId, DateTimeOffset createdAt)
    {
        var plan = random.Pick(DemoCatalog.PlanWeights);
        var interval = random.Chance(0.3) ? "year" : "month";
        var id = ++_subscriptionId;
        var trialEnd = createdAt + TrialLength;
        var converts = random.Chance(0.6);
        var trialMrr = Mrr(plan, interval);
        if (trialEnd > _asOf)
        {
            sink.Subscription(new SubscriptionRow(id, accountId, DemoCatalog.Plans[plan].Name, interval, trialMrr, true, createdAt, null));
            return;
        }

        sink.Subscription(new SubscriptionRow(id, accountId, DemoCatalog.Plans[plan].Name, interval, trialMrr, true, createdAt, trialEnd));
        if (!converts)
        {
            return;
        }

        var from = trialEnd;
        var months = interval == "year" ? 12 : 1;
        var at = from.AddMonths(months);
        while (true)
        {
            var next = plan;
            var churn = false;
            if (at <= _asOf)
            {
                var roll = random.Next();
                churn = roll < (interval == "year" ? 0.12 : 0.035);
                if (!churn && roll < 0.07 && plan < DemoCatalog.Plans.Length - 1)
                {
                    next = plan + 1;
                }
                else if (!churn && roll > 0.975 && plan > 0)
                {
                    next = plan - 1;
                }
            }

            if (at > _asOf || (!churn && next == plan))
            {
                if (at > _asOf)
                {
                    sink.Subscription(new SubscriptionRow(id, accountId, DemoCatalog.Plans[plan].Name, interval, Mrr(plan, interval), false, from, null));
                    return;
                }

                at = at.AddMonths(months);
                continue;
            }

            sink.Subscription(new SubscriptionRow(id, accountId, DemoCatalog.Plans[plan].Name, interval, Mrr(plan, interval), false, from, at));
            if (churn)
            {
                if (!random.Chance(0.2))
                {
                    return;
                }

                // Reactivation: a new subscription after a few weeks away.
                from = at.AddDays(20 + random.Exponential(40));
                if (from > _asOf)
                {
                    return;
                }

                id = ++_subscriptionId;
            }
            else
            {
                from = at;
            }

            plan = next;
            at = from.AddMonths(months);
        }
    }

    private static decimal Mrr(int plan, string interval) =>
        interval == "year"
            ? Math.Round(DemoCatalog.Plans[plan].MonthlyPrice * 10 / 12, 2) // two months free on yearly billing
            : DemoCatalog.Plans[plan].MonthlyPrice;

    private void GenerateTickets(DemoRandom random, long accountId, DateTimeOffset createdAt, List<(long Id, Profile Profile)> users)
    {
        var perDay = 0.015 * Math.Sqrt(users.Count);
        for (var at = createdAt.AddDays(random.Exponential(1 / perDay)); at <= _asOf; at = at.AddDays(random.Exponential(1 / perDay)))
        {
            var priority = random.Pick(DemoCatalog.PriorityWeights);
            var responded = Cap(at.AddHours(random.LogNormal(priority == 3 ? 0.5 : 3, 1.0)));
            var resolved = responded is null ? null : Cap(responded.Value.AddHours(random.LogNormal(24, 1.2)));
            sink.Ticket(new TicketRow(++_ticketId, accountId, at, responded, resolved, DemoCatalog.Priorities[priority]));
            if (resolved is not null && random.Chance(0.4))
            {
                var user = users[random.Next(0, users.Count)];
                var score = user.Profile == Profile.Casual ? 2 + random.Next(0, 4) : 3 + random.Next(0, 3);
                sink.Survey(new SurveyRow(user.Id, accountId, "csat", score, resolved.Value.AddMinutes(30 + random.Exponential(600))));
            }
        }
    }

    private void GenerateSurveys(DemoRandom random, long userId, long accountId, DateTimeOffset createdAt, Profile profile, DateTimeOffset? onboardedAt)
    {
        for (var at = createdAt.AddDays(30 + random.Exponential(10)); at <= _asOf; at = at.AddDays(80 + random.Exponential(20)))
        {
            if (!random.Chance(0.35))
            {
                continue;
            }

            var score = profile switch
            {
                Profile.Power => 7 + random.Next(0, 4),
                Profile.Regular => 5 + random.Next(0, 6),
                _ => random.Next(0, 11),
            };
            // A broken integration occasionally stores a score out of range: the exporter must reject, not bucket, it.
            if (random.Chance(0.003))
            {
                score = 11;
            }

            sink.Survey(new SurveyRow(userId, accountId, "nps", Math.Min(score, 11), at));
        }

        if (onboardedAt is { } done && random.Chance(0.3))
        {
            sink.Survey(new SurveyRow(userId, accountId, "ces", 3 + random.Next(0, 5), done.AddMinutes(5)));
        }
    }

    private void GenerateMarketingSpend()
    {
        var random = DemoRandom.For(parameters.Seed, -1);
        var month = new DateOnly(_start.Year, _start.Month, 1);
        var last = DateOnly.FromDateTime(_asOf.UtcDateTime);
        for (; month <= last; month = month.AddMonths(1))
        {
            var amount = Math.Round((decimal)(15000 * parameters.Scale * (0.8 + 0.4 * random.Next())), 2);
            sink.Spend(new SpendRow(month, month.AddMonths(1).AddDays(-1), amount));
        }
    }

    private static DateTimeOffset DayStart(DateTimeOffset t) => new(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero);

    private DateTimeOffset? Cap(DateTimeOffset at) => at <= _asOf ? at : null;

    private DateTimeOffset Clamp(DateTimeOffset at, DateTimeOffset floor) => at <= _asOf ? at : floor.AddSeconds((_asOf - floor).TotalSeconds / 2);
}
