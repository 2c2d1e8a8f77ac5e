using SaasExporter.Events.Retention;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

/// <summary>
/// Retention on a hand-built dataset. now = Wednesday 2026-06-10 12:00Z, so today is 06-10 in UTC and in Berlin.
/// Cohort signup days: D1 05-12..06-08, D7 05-06..06-02, D30 04-13..05-10, D90 02-12..03-11. The current ISO week
/// is W24 (Monday 06-08); the 12 weekly cohorts are W13..W24; a cell exists once its week ended (started by 06-01).
/// </summary>
[Collection(CollectorPollCollection.Name)]
public sealed class RetentionCollectorTests(PostgresFixture postgres, ClassDataset dataset) : IClassFixture<ClassDataset>
{
    private static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    private Task<HandBuiltDatabase> BuildAsync() => dataset.GetAsync(async () =>
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "retention");
        await db.Account(1);
        await db.User(1, 1, Utc("2026-06-08T10:00:00Z"));   // D1 cohort (last day); back on 06-09
        await db.Event(1, Utc("2026-06-09T09:00:00Z"));
        await db.User(2, 1, Utc("2026-06-09T10:00:00Z"));   // yesterday: in no retention cohort, in W24
        // 22:30Z on 05-11 is 05-12 00:30 in Berlin: outside the UTC D1 cohort, inside Berlin's. Its next-day event
        // (05-12 22:30Z) is 05-13 in Berlin. 05-18 23:00Z is d0+7 in UTC and, as 05-19 01:00, in Berlin too.
        await db.User(3, 1, Utc("2026-05-11T22:30:00Z"));
        await db.Event(3, Utc("2026-05-12T22:30:00Z"));
        await db.Event(3, Utc("2026-05-18T23:00:00Z"));
        await db.User(4, 1, Utc("2026-05-20T08:00:00Z"));   // D1 not retained, D7 retained (05-27)
        await db.Event(4, Utc("2026-05-27T08:00:00Z"));
        await db.User(5, 1, Utc("2026-05-20T08:00:00Z"), isInternal: true);
        await db.Event(5, Utc("2026-05-21T08:00:00Z"));
        await db.User(6, 1, Utc("2026-05-25T12:00:00Z"));   // D1 retained; its d0+7 event is excluded
        await db.Event(6, Utc("2026-05-26T12:00:00Z"));
        await db.Event(6, Utc("2026-06-01T12:00:00Z"), name: "notification_sent", feature: null);
        await db.User(7, 1, Utc("2026-04-20T12:00:00Z"));   // D30 retained (05-20)
        await db.Event(7, Utc("2026-05-20T12:00:00Z"));
        await db.User(8, 1, Utc("2026-04-13T00:30:00Z"));   // D30 cohort's first day; active on d0+31 only
        await db.Event(8, Utc("2026-05-14T12:00:00Z"));
        await db.User(9, 1, Utc("2026-03-01T12:00:00Z"));   // D90 retained: d0+61 = 05-01
        await db.Event(9, Utc("2026-05-01T12:00:00Z"));
        await db.User(10, 1, Utc("2026-03-11T12:00:00Z"));  // D90 cohort's last day; active on d0+60 and d0+91 only
        await db.Event(10, Utc("2026-05-10T12:00:00Z"));
        await db.Event(10, Utc("2026-06-10T11:00:00Z"));
        return db;
    });

    private static Task<Exposition> PollAsync(HandBuiltDatabase db, string zone) =>
        CollectorPoll.PollAsync(db.ConnectionString, new Dictionary<string, string?>
        {
            ["AsOf"] = Iso(Now),
            ["ReportingTimeZone"] = zone,
            ["ExcludedEvents:0"] = "notification_sent",
        }, RetentionDefinition.Descriptor.Name);

    [Theory]
    [InlineData("UTC", 3, 2)]            // D1: u1 u4 u6, retained u1 u6
    [InlineData("Europe/Berlin", 4, 3)]  // D1: u1 u3 u4 u6, retained u1 u3 u6
    public async Task Retention_UsesCalendarDaysOfTheReportingTimeZone(string zone, int d1Cohort, int d1Retained)
    {
        var db = await BuildAsync();
        var metrics = await PollAsync(db, zone);

        double Cohort(string r) => metrics.Value("saas_retention_cohort_users", ("retention", r));
        double Retained(string r) => metrics.Value("saas_retention_retained_users", ("retention", r));
        Assert.Equal(d1Cohort, Cohort("d1"));
        Assert.Equal(d1Retained, Retained("d1"));
        Assert.Equal(3, Cohort("d7"));     // u3 u4 u6
        Assert.Equal(2, Retained("d7"));   // u3 u4
        Assert.Equal(2, Cohort("d30"));    // u7 u8
        Assert.Equal(1, Retained("d30"));  // u7
        Assert.Equal(2, Cohort("d90"));    // u9 u10
        Assert.Equal(1, Retained("d90"));  // u9
    }

    [Fact]
    public async Task WeeklyCohorts_EmitOnlyCellsOfEndedWeeks()
    {
        var db = await BuildAsync();
        var metrics = await PollAsync(db, "UTC");

        double? Cell(string cohort, int week) => metrics.Get("saas_cohort_retained_users", ("cohort", cohort), ("week", week.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(12, metrics.Family("saas_cohort_users").Count);                   // W13..W24
        Assert.Equal(2, metrics.Value("saas_cohort_users", ("cohort", "2026-W24")));   // u1 u2
        Assert.Null(Cell("2026-W24", 0));                                              // the current week has not ended
        Assert.Equal(0, metrics.Value("saas_cohort_users", ("cohort", "2026-W13")));
        Assert.Null(metrics.Get("saas_cohort_users", ("cohort", "2026-W12")));

        // W20 (from 05-11): u3, active in W20 and W21; cells for weeks starting by 06-01: 0..3.
        Assert.Equal(1, metrics.Value("saas_cohort_users", ("cohort", "2026-W20")));
        Assert.Equal([1, 1, 0, 0], Enumerable.Range(0, 4).Select(w => Cell("2026-W20", w)));
        Assert.Null(Cell("2026-W20", 4));
        // W21: u4 (u5 is internal), active in W22 only. W22: u6, active in W22; its W23 event is excluded.
        Assert.Equal([0, 1, 0], Enumerable.Range(0, 3).Select(w => Cell("2026-W21", w)));
        Assert.Equal([1, 0], Enumerable.Range(0, 2).Select(w => Cell("2026-W22", w)));
        Assert.Null(Cell("2026-W22", 2));
        // W17: u7, active in W21 = week 4. W16: u8, active in W20 = week 4. W23 has no signups: a single 0 cell.
        Assert.Equal([0, 0, 0, 0, 1, 0, 0], Enumerable.Range(0, 7).Select(w => Cell("2026-W17", w)));
        Assert.Equal([0, 0, 0, 0, 1, 0, 0, 0], Enumerable.Range(0, 8).Select(w => Cell("2026-W16", w)));
        Assert.Null(Cell("2026-W16", 8));
        Assert.Equal(0, Cell("2026-W23", 0));
        Assert.Equal(66, metrics.Family("saas_cohort_retained_users").Count);          // 0 + 1 + ... + 11 ended cells
    }
}
