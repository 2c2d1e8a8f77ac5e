using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Events;
using SaasExporter.Events.Adoption;
using SaasExporter.Events.Engagement;
using SaasExporter.Events.Resurrection;
using SaasExporter.Events.Retention;
using SaasExporter.Events.Sessions;
using SaasExporter.Incremental;

namespace SaasExporter.UnitTests.Events;

/// <summary>
/// The history lengths the event families declare reach every calendar day their outputs read, in any time zone
/// (daylight saving time included), and the index loader keeps the longest of them: the SQL and the index read the
/// same span because both take it from the definition.
/// </summary>
public sealed class EventHistoryTests
{
    private static readonly DateOnly DayZero = new(2000, 1, 1);

    private static readonly EventFamily[] Families =
        [
            EngagementDefinition.Family, AdoptionDefinition.Family, RetentionDefinition.Family, ResurrectionDefinition.Family,
            SessionDefinition.Family, AccountHealthDefinition.Family,
        ];

    public static TheoryData<string> Zones => new()
    {
        "UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Santiago",
    };

    [Theory]
    [MemberData(nameof(Zones))]
    public void SignupHistory_ReachesTheOldestSignupDayAnyCohortCounts(string zone)
    {
        foreach (var (now, today) in Instants(zone))
        {
            var oldest = Enumerable.Range(0, RetentionDefinition.Definitions.Count).Select(r => RetentionDefinition.CohortSignupDays(today, r).From)
                .Append(RetentionDefinition.CohortMonday(today, RetentionDefinition.Weeks - 1)).Min();
            Assert.True(StartOfDay(zone, oldest) > now - RetentionDefinition.SignupHistory, $"{zone} {now:O}: day {oldest} starts before the signup history");
        }
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void ActivityHistory_ReachesTheOldestActiveDayAnyOutputReads(string zone)
    {
        foreach (var (now, today) in Instants(zone))
        {
            var oldest = Enumerable.Range(0, RetentionDefinition.Definitions.Count)
                .Select(r => RetentionDefinition.CohortSignupDays(today, r).From + RetentionDefinition.Definitions[r].First)
                .Append(RetentionDefinition.CohortMonday(today, RetentionDefinition.Weeks - 1))
                .Append(today - (EngagementDefinition.L30Days - 1))
                .Append(today - (AccountHealthQuery.UsageDays - 1)).Min();
            var history = Families.Max(f => f.IndexHistory(Defaults()));
            Assert.True(StartOfDay(zone, oldest) > now - history, $"{zone} {now:O}: day {oldest} starts before the activity history");
            Assert.True(StartOfDay(zone, oldest) > now - RetentionDefinition.ActivityHistory, $"{zone} {now:O}: retention reads day {oldest}");
        }
    }

    [Fact]
    public void IndexLoader_KeepsTheLongestHistoryAnyFamilyReads_AndADayMore()
    {
        var options = Defaults();
        Assert.Equal(RetentionDefinition.ActivityHistory + TimeSpan.FromDays(1), IndexLoader.DetailedHistory(options, Families));

        options.ActiveWindows = [Window.Days(1), Window.Days(180)];
        Assert.Equal(TimeSpan.FromDays(181), IndexLoader.DetailedHistory(options, Families));
    }

    private static ExporterOptions Defaults()
    {
        var options = new ExporterOptions();
        options.ApplyDefaults();
        return options;
    }

    /// <summary>Instants through two years, 7 h 13 min apart, with their calendar day (days since 2000-01-01) in the zone.</summary>
    private static IEnumerable<(DateTimeOffset Now, int Today)> Instants(string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        for (var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero); now.Year < 2028; now += new TimeSpan(7, 13, 0))
        {
            yield return (now, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, tz).DateTime).DayNumber - DayZero.DayNumber);
        }
    }

    /// <summary>The first instant of a calendar day in the zone (a day whose midnight is skipped starts an hour later).</summary>
    private static DateTimeOffset StartOfDay(string zone, int day)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var local = DayZero.AddDays(day).ToDateTime(TimeOnly.MinValue);
        while (tz.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        var offsets = tz.IsAmbiguousTime(local) ? tz.GetAmbiguousTimeOffsets(local) : [tz.GetUtcOffset(local)];
        return offsets.Select(o => new DateTimeOffset(local, o)).Min();
    }
}
