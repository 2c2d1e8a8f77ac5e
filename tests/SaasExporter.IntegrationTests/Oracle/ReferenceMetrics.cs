namespace SaasExporter.IntegrationTests.Oracle;

/// <summary>
/// METRICS.md definitions computed the obvious way in C#, over rows read back from the database: an oracle that
/// shares no SQL and no code with the collectors.
/// </summary>
public sealed class ReferenceMetrics(ProductRows rows, DateTimeOffset now, TimeZoneInfo zone, IReadOnlySet<string> excluded)
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private bool Eligible(OracleUser user) => !user.IsInternal && !rows.InternalAccounts.Contains(user.AccountId);

    private IEnumerable<(OracleEvent Event, OracleUser User)> Qualifying(TimeSpan window) =>
        rows.Events
            .Where(e => e.OccurredAt > now - window && e.OccurredAt <= now && !excluded.Contains(e.Name))
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
