namespace SaasExporter.IntegrationTests.Oracle;

/// <summary>
/// The definitions of README's Metrics served now, computed the obvious way in C#, over rows read back from the database: an oracle that
/// shares no SQL and no code with the collectors.
/// </summary>
public sealed class ReferenceMetrics(ProductRows rows, DateTimeOffset now, TimeZoneInfo zone, IReadOnlySet<string> excluded)
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private bool Eligible(OracleUser user) => !user.IsInternal && !rows.InternalAccounts.Contains(user.AccountId);

    private IEnumerable<(OracleEvent Event, OracleUser User)> Qualifying(TimeSpan window) =>
        QualifyingSince(now - window);

    /// <summary>Qualifying events in (since, now]; DateTimeOffset.MinValue for the whole history.</summary>
    private IEnumerable<(OracleEvent Event, OracleUser User)> QualifyingSince(DateTimeOffset since) =>
        rows.Events
            .Where(e => e.OccurredAt > since && e.OccurredAt <= now && !excluded.Contains(e.Name))
            .Select(e => (Event: e, User: rows.Users.GetValueOrDefault(e.UserId)))
            .Where(x => x.User is not null && Eligible(x.User))
            .Select(x => (x.Event, x.User!));

    public int ActiveUsers(int days) => Qualifying(Day * days).Select(x => x.User.UserId).Distinct().Count();

    public int ActiveAccounts(int days) => Qualifying(Day * days).Select(x => x.User.AccountId).Distinct().Count();

    public int PlatformUsers(string platform, int days) =>
        Qualifying(Day * days).Where(x => x.Event.Platform == platform).Select(x => x.User.UserId).Distinct().Count();

    private DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>Distinct active calendar days per user among the 30 calendar days ending today.</summary>
    public Dictionary<long, int> ActiveDaysPerUser()
    {
        var today = LocalDay(now);
        var first = today.AddDays(-29);
        return Qualifying(Day * 40)
            .Select(x => (x.User.UserId, Day: LocalDay(x.Event.OccurredAt)))
            .Where(x => x.Day >= first && x.Day <= today)
            .Distinct()
            .GroupBy(x => x.UserId)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    public (double[] SessionsPerUser, double[] Durations) Sessions(int days, TimeSpan gap)
    {
        var perUser = new List<double>();
        var durations = new List<double>();
        foreach (var user in Qualifying(Day * days).GroupBy(x => x.User.UserId))
        {
            var times = user.Select(x => x.Event.OccurredAt).Order().ToList();
            var sessions = 0;
            var start = times[0];
            for (var i = 0; i < times.Count; i++)
            {
                if (i == 0 || times[i] - times[i - 1] >= gap)
                {
                    if (i > 0)
                    {
                        durations.Add((times[i - 1] - start).TotalSeconds);
                    }

                    sessions++;
                    start = times[i];
                }
            }

            durations.Add((times[^1] - start).TotalSeconds);
            perUser.Add(sessions);
        }

        return ([.. perUser], [.. durations]);
    }

    public int Signups(int days) =>
        rows.Users.Values.Count(u => Eligible(u) && u.CreatedAt > now - Day * days && u.CreatedAt <= now);

    public List<OracleUser> ActivationCohort() =>
        [.. rows.Users.Values.Where(u => Eligible(u) && u.CreatedAt > now - Day * 35 && u.CreatedAt <= now - Day * 7)];

    public int Activated() => ActivationCohort().Count(u => u.ActivatedAt is { } a && a - u.CreatedAt <= Day * 7);

    public int Onboarded() => ActivationCohort().Count(u => u.OnboardedAt is { } o && o - u.CreatedAt <= Day * 7);

    public double[] TimesToFirstValue() =>
        [.. ActivationCohort().Where(u => u.ActivatedAt is { } a && a <= now).Select(u => (u.ActivatedAt!.Value - u.CreatedAt).TotalSeconds)];

    public int FeatureUsers(string feature, int days) =>
        Qualifying(Day * days).Where(x => x.Event.Feature == feature).Select(x => x.User.UserId).Distinct().Count();

    /// <summary>Active users in the window by number of distinct configured features used; key 5 means 5 or more.</summary>
    public Dictionary<int, int> FeaturesUsed(int days, IReadOnlySet<string> features) =>
        Qualifying(Day * days)
            .GroupBy(x => x.User.UserId)
            .Select(g => Math.Min(5, g.Select(x => x.Event.Feature).Where(f => f is not null && features.Contains(f)).Distinct().Count()))
            .GroupBy(n => n)
            .ToDictionary(g => g.Key, g => g.Count());

    private Dictionary<long, HashSet<DateOnly>>? _activeDays;

    /// <summary>Every local calendar day each user was active on, over the whole history up to now.</summary>
    private Dictionary<long, HashSet<DateOnly>> ActiveDays() => _activeDays ??= QualifyingSince(DateTimeOffset.MinValue)
        .GroupBy(x => x.User.UserId)
        .ToDictionary(g => g.Key, g => g.Select(x => LocalDay(x.Event.OccurredAt)).ToHashSet());

    private bool ActiveBetween(long user, DateOnly first, DateOnly last) =>
        ActiveDays().TryGetValue(user, out var days) && days.Any(d => d >= first && d <= last);

    private IEnumerable<(OracleUser User, DateOnly D0)> SignedUp() =>
        rows.Users.Values.Where(u => Eligible(u) && u.CreatedAt <= now).Select(u => (u, LocalDay(u.CreatedAt)));

    /// <summary>(cohort, retained) for d1, d7, d30 (active on d0+N) and d90 (active on d0+61..d0+90).</summary>
    public (int Cohort, int Retained) Retention(string label)
    {
        var (cohortEndLag, first, last) = label switch
        {
            "d1" => (2, 1, 1),
            "d7" => (8, 7, 7),
            "d30" => (31, 30, 30),
            "d90" => (91, 61, 90),
            _ => throw new ArgumentOutOfRangeException(nameof(label)),
        };
        var today = LocalDay(now);
        var cohort = SignedUp().Where(s => s.D0 >= today.AddDays(-cohortEndLag - 27) && s.D0 <= today.AddDays(-cohortEndLag)).ToList();
        return (cohort.Count, cohort.Count(s => ActiveBetween(s.User.UserId, s.D0.AddDays(first), s.D0.AddDays(last))));
    }

    private static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public static string IsoWeek(DateOnly monday) =>
        $"{System.Globalization.ISOWeek.GetYear(monday.ToDateTime(TimeOnly.MinValue))}-W{System.Globalization.ISOWeek.GetWeekOfYear(monday.ToDateTime(TimeOnly.MinValue)):00}";

    /// <summary>The 12 weekly cohorts ending with the current week: size, and retained users of every ended week.</summary>
    public List<(string Cohort, int Users, List<int> Cells)> WeeklyCohorts()
    {
        var today = LocalDay(now);
        var current = Monday(today);
        var result = new List<(string, int, List<int>)>();
        for (var back = 0; back < 12; back++)
        {
            var monday = current.AddDays(-7 * back);
            var members = SignedUp().Where(s => Monday(s.D0) == monday).Select(s => s.User.UserId).ToList();
            var cells = new List<int>();
            for (var week = 0; monday.AddDays(7 * week + 7) <= today; week++)
            {
                var start = monday.AddDays(7 * week);
                cells.Add(members.Count(m => ActiveBetween(m, start, start.AddDays(6))));
            }

            result.Add((IsoWeek(monday), members.Count, cells));
        }

        return result;
    }

    public (int Dormant, int Resurrected) Resurrection(int days)
    {
        var window = Day * days;
        var dormant = QualifyingSince(DateTimeOffset.MinValue)
            .GroupBy(x => x.User.UserId)
            .Where(g => g.Any(x => x.Event.OccurredAt <= now - 2 * window)
                && !g.Any(x => x.Event.OccurredAt > now - 2 * window && x.Event.OccurredAt <= now - window))
            .ToList();
        return (dormant.Count, dormant.Count(g => g.Any(x => x.Event.OccurredAt > now - window)));
    }

    /// <summary>PostgreSQL's percentile_cont: linear interpolation between the closest ranks.</summary>
    public static double? PercentileCont(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var position = fraction * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
