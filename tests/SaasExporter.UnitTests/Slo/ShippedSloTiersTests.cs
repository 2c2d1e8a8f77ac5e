using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

/// <summary>
/// Paging is an explicit opt-in (issue 16): the shipped SLOs compile to exactly these tiers, and only the exporter's
/// poll success, which asks for it in its alert policies, pages.
/// </summary>
public sealed class ShippedSloTiersTests
{
    private const string DayTickets = "fast 1d/2h x3 ticket, slow 4d/8h x1 ticket";

    /// <summary>Timeslices of 1d over 1M: windows in whole days (short windows raised to one slice).</summary>
    private const string DaySlices = "fast 1d/1d x3 ticket, slow 4d/1d x1 ticket";

    /// <summary>Timeslices of 1d over 3M.</summary>
    private const string QuarterSlices = "fast 3d/1d x3 ticket, slow 14d/2d x1 ticket";

    public static TheoryData<string, string> ExpectedTiers() => new()
    {
        { "cohort-retention-90d", QuarterSlices },
        { "contact-creation-rate", DayTickets },
        { "contact-management-usage", DaySlices },
        { "daily-active-users", DayTickets },
        { "dau-mau-ratio", DayTickets },
        { "dau-wau-ratio", DayTickets },
        { "day30-retention", QuarterSlices },
        { "day7-retention", "fast 1d/1d x2.8 ticket, slow 4d/1d x1 ticket" },
        { "deal-pipeline-usage", DaySlices },
        { "deal-win-rate", DaySlices },
        { "deals-created-rate", DayTickets },
        { "email-integration-usage", DaySlices },
        { "emails-sent-per-user", "fast 6h/30m x2.8 ticket, slow 1d/2h x1 ticket" },
        { "exporter-data-freshness", DayTickets },
        { "exporter-poll-success", "page-fast-burn 6h/30m x5.6 page, ticket-slow-burn 1d/2h x2.8 ticket" },
        { "mobile-app-usage", DaySlices },
        { "monthly-active-users", "fast 3d/6h x3 ticket, slow 14d/28h x1 ticket" },
        { "monthly-churn-rate", "fast 3d/6h x3 ticket, slow 14d/28h x1 ticket" },
        { "onboarding-completion", "slow 1d/1d x1 ticket" },
        { "power-user-ratio", DaySlices },
        { "reporting-usage", DaySlices },
        { "sales-cycle-length", DayTickets },
        { "time-to-first-value", "fast 6h/30m x2.8 ticket, slow 1d/2h x1 ticket" },
        { "user-activation-rate", "fast 1d/1d x2.8 ticket, slow 4d/1d x1 ticket" },
        { "user-resurrection-rate", DaySlices },
        { "weekly-active-users", "fast 2d/4h x3 ticket, slow 7d/14h x1 ticket" },
    };

    [Theory]
    [MemberData(nameof(ExpectedTiers))]
    public void Generate_ShippedSlo_HasExactlyTheseTiers(string name, string expected)
    {
        var slo = Shipped.Value.Slos.Single(s => s.Slo.Name == name);

        Assert.Equal(expected, string.Join(", ", slo.Tiers.Select(t => $"{t.Name} {BurnRatePlanner.Describe(t)} {t.Severity.Text()}")));
    }

    [Fact]
    public void Generate_ShippedSlos_OnlyTheOptedInSloPagesAndNoBusinessSloDoes()
    {
        var paging = Shipped.Value.Slos.Where(s => s.Tiers.Any(t => t.Severity == Severity.Page)).Select(s => s.Slo.Name);

        Assert.Equal(26, Shipped.Value.Slos.Count);
        Assert.Equal(["exporter-poll-success"], paging);
        Assert.DoesNotContain(Shipped.Value.Slos, s => s.Slo.Team == "product" && s.Tiers.Any(t => t.Severity == Severity.Page));
    }

    [Fact]
    public void Generate_SloWithoutAlertPolicies_GetsTicketTiersOnly()
    {
        Assert.All(BurnRatePlanner.DefaultTiers(TimeSpan.FromDays(30)), t => Assert.Equal(Severity.Ticket, t.Severity));
    }

    private static readonly Lazy<SloGenerator.Result> Shipped = new(() =>
        SloGenerator.Generate(RepositoryRoot.Path, "prometheus/slos", "prometheus/rules/slo", "prometheus/tests/slo", ExporterServedSeries.Value));
}
