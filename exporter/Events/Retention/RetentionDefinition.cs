using System.Globalization;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Catalogue;

namespace SaasExporter.Events.Retention;

/// <summary>
/// Calendar-day retention in the reporting time zone: D1, D7 and D30 (active on day d0+N exactly), D90 (active on any
/// of days d0+61..d0+90), each over the users who signed up in the 28 days ending N+1 days before today (91 for D90),
/// so every counted day is complete. And the weekly cohort table: the 12 ISO-week signup cohorts ending with the
/// current week, with a retained cell for each week that has ended.
/// </summary>
internal sealed class RetentionDefinition(ExporterOptions options) : IEventDefinition<RetentionCounts>
{
    /// <summary>Signup days in each retention cohort.</summary>
    public const int CohortDays = 28;

    /// <summary>Weekly signup cohorts, and weeks after signup, of the cohort table.</summary>
    public const int Weeks = 12;

    /// <summary>Label, cohort end lag (days before today), first and last active day after signup.</summary>
    public static IReadOnlyList<(string Label, int Lag, int First, int Last)> Definitions { get; } =
        [("d1", 2, 1, 1), ("d7", 8, 7, 7), ("d30", 31, 30, 30), ("d90", 91, 61, 90)];

    /// <summary>
    /// How far back signups are read: past the oldest signup day any output counts. The D90 cohort starts
    /// 91 + 27 = 118 days before today, the weekly table's oldest cohort at most 6 + 7 * 11 = 83; a calendar day
    /// starts less than 119 days and an hour (daylight saving time) before now, so 121 days leave a day to spare.
    /// </summary>
    public static readonly TimeSpan SignupHistory = TimeSpan.FromDays(121);

    /// <summary>
    /// How far back activity is read: the weekly table reads from its oldest cohort's Monday, at most 83 days before
    /// today; the retention definitions read from 57 days back at most (d0 + 61 of the D90 cohort).
    /// </summary>
    public static readonly TimeSpan ActivityHistory = TimeSpan.FromDays(86);

    internal static readonly MetricFamily RetentionCohortUsers = new("saas_retention_cohort_users",
        "Users whose signup day lies in the 28 calendar days ending N+1 days before today (91 for d90).", "retention");
    internal static readonly MetricFamily RetentionRetainedUsers = new("saas_retention_retained_users",
        "Of the retention cohort, users active on calendar day d0+N (any of d0+61..d0+90 for d90).", "retention");
    internal static readonly MetricFamily CohortUsers = new("saas_cohort_users",
        "Users who signed up in the ISO week (Monday start, reporting time zone); the 12 weeks ending with the current one.", "cohort");
    internal static readonly MetricFamily CohortRetainedUsers = new("saas_cohort_retained_users",
        "Users of the ISO-week signup cohort with a qualifying event in the week that many weeks later; only ended weeks.", "cohort", "week");

    public static CollectorDescriptor Descriptor { get; } = new("retention", CollectorSchedule.Every(15, 300), EventFamily.Relations,
        [RetentionCohortUsers, RetentionRetainedUsers, CohortUsers, CohortRetainedUsers])
    {
        LabelValues = (family, label, _) => (family, label) switch
        {
            (_, "retention") => CatalogueLabel.Code(label, Definitions.Select(d => d.Label)),
            (_, "cohort") => CatalogueLabel.FromData(label),
            // Twelve cohorts ending with the current week, a cell once its week has ended: the oldest cohort reaches week 10.
            ("saas_cohort_retained_users", "week") => CatalogueLabel.Code(label, CatalogueLabel.Numbers(0, Weeks - 1)),
            _ => null,
        },
    };

    public static EventFamily Family { get; } = EventFamily.Create(Descriptor,
        o => new RetentionDefinition(o), d => new RetentionSql(d), (d, store) => new RetentionIndex(d, store), _ => ActivityHistory);

    private static readonly DateOnly DayZero = new(2000, 1, 1);

    public ExporterOptions Options { get; } = options;

    /// <summary>The signup days (days since 2000-01-01) of the cohort of a retention definition.</summary>
    public static (int From, int To) CohortSignupDays(int today, int definition) =>
        (today - Definitions[definition].Lag - (CohortDays - 1), today - Definitions[definition].Lag);

    /// <summary>The Monday (days since 2000-01-01) starting weekly cohort k, 0 being the current ISO week.</summary>
    public static int CohortMonday(int today, int k) => today - (((int)DayZero.AddDays(today).DayOfWeek + 6) % 7) - (7 * k);

    /// <summary>Whether week <paramref name="week"/> of the cohort starting on <paramref name="monday"/> has ended by today.</summary>
    public static bool WeekEnded(int today, int monday, int week) => monday + (7 * week) + 7 <= today;

    public static RetentionCounts NewCounts(int today) => new(today, Definitions.Count, Weeks);

    public IReadOnlyList<Sample> Samples(RetentionCounts counts)
    {
        var samples = new List<Sample>();
        for (var r = 0; r < Definitions.Count; r++)
        {
            samples.Add(RetentionCohortUsers.Sample(counts.Cohort[r], Definitions[r].Label));
            samples.Add(RetentionRetainedUsers.Sample(counts.Retained[r], Definitions[r].Label));
        }

        for (var k = 0; k < Weeks; k++)
        {
            var monday = CohortMonday(counts.Today, k);
            var date = DayZero.AddDays(monday).ToDateTime(TimeOnly.MinValue);
            var cohort = string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}");
            samples.Add(CohortUsers.Sample(counts.WeeklyCohort[k], cohort));
            for (var week = 0; week < Weeks && WeekEnded(counts.Today, monday, week); week++)
            {
                samples.Add(CohortRetainedUsers.Sample(counts.WeeklyRetained[k, week], cohort, week.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return samples;
    }
}
