using System.Globalization;
using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Database;

namespace SaasExporter.Incremental;

/// <summary>The retention families of <see cref="RetentionCollector"/>, with the same definitions, from the activity index's day bitmaps.</summary>
internal sealed class IndexedRetentionCollector(IOptions<ExporterOptions> options, ActivityIndexStore store) : IMetricCollector
{
    private static readonly DateOnly DayZero = new(2000, 1, 1);

    /// <summary>Label, cohort end lag (days before today), first and last active day after signup.</summary>
    private static readonly (string Label, int Lag, int First, int Last)[] Definitions =
        [("d1", 2, 1, 1), ("d7", 8, 7, 7), ("d30", 31, 30, 30), ("d90", 91, 61, 90)];

    public string Name => RetentionCollector.CollectorName;

    public IReadOnlyList<MetricFamily> Families { get; } =
        [RetentionCollector.RetentionCohortUsers, RetentionCollector.RetentionRetainedUsers, RetentionCollector.CohortUsers, RetentionCollector.CohortRetainedUsers];

    public IReadOnlyList<string> Relations { get; } = ["events", "users", "accounts"];

    public Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        store.ReadAsync(now, db, async view =>
        {
            var signups = await UserDirectory.SignupsAsync(db, view.Now, RetentionCollector.SignupHistory, options.Value.ReportingTimeZone, cancellationToken);
            return Compute(view, signups);
        }, cancellationToken);

    private static CollectorResult Compute(IndexView view, List<(long User, int Day)> signups)
    {
        var index = view.Index;
        var samples = new List<Sample>();
        foreach (var (label, lag, first, last) in Definitions)
        {
            long cohort = 0, retained = 0;
            foreach (var (user, d0) in signups.Where(s => s.Day >= view.Today - lag - 27 && s.Day <= view.Today - lag))
            {
                cohort++;
                retained += index.TryGetSlot(user, out var slot) && index.ActiveDays(slot, d0 + first, d0 + last) > 0 ? 1 : 0;
            }

            samples.Add(RetentionCollector.RetentionCohortUsers.Sample(cohort, label));
            samples.Add(RetentionCollector.RetentionRetainedUsers.Sample(retained, label));
        }

        var thisMonday = view.Today - (((int)DayZero.AddDays(view.Today).DayOfWeek + 6) % 7);
        for (var k = 0; k < 12; k++)
        {
            var monday = thisMonday - (7 * k);
            var date = DayZero.AddDays(monday).ToDateTime(TimeOnly.MinValue);
            var cohortLabel = string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):00}");
            var members = signups.Where(s => s.Day >= monday && s.Day < monday + 7).ToList();
            samples.Add(RetentionCollector.CohortUsers.Sample(members.Count, cohortLabel));
            for (var week = 0; monday + (7 * week) + 7 <= view.Today && week < 12; week++)
            {
                var from = monday + (7 * week);
                var retained = members.Count(m => index.TryGetSlot(m.User, out var slot) && index.ActiveDays(slot, from, from + 6) > 0);
                samples.Add(RetentionCollector.CohortRetainedUsers.Sample(retained, cohortLabel, week.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return new CollectorResult(samples);
    }
}
