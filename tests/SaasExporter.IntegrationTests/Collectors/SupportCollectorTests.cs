using SaasExporter.Collectors;
using SaasExporter.Events.Engagement;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

[Collection(CollectorPollCollection.Name)]
public sealed class SupportCollectorTests(PostgresFixture postgres, ClassDataset dataset) : IClassFixture<ClassDataset>
{
    private static readonly DateTimeOffset Now = Utc("2026-06-30T12:00:00Z");
    private static readonly DateTimeOffset WindowStart = Now.AddHours(-720);   // 2026-05-31T12:00Z

    private static Dictionary<string, string?> Settings() => new()
    {
        ["AsOf"] = Iso(Now),
        // One poll in the life of the test, so the rejection counters hold exactly one poll's rows.
        ["Collectors:support:Interval"] = "01:00:00",
    };

    /// <summary>
    /// Tickets are (id, account, created, first response, resolved); a1 and a2 are customers, a9 is internal. What
    /// each ticket contributes is written beside it; the totals are worked out in the tests.
    /// </summary>
    private async Task<HandBuiltDatabase> BuildAsync()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "support");
        await db.Account(1);
        await db.Account(2);
        await db.Account(9, isInternal: true);

        // t1 created exactly at the window start: not created in the window, so no first response either; resolved 10 h
        // later, inside the window: resolution 36000 s.
        await db.Ticket(1, 1, WindowStart, WindowStart.AddHours(1), WindowStart.AddHours(10));
        // t2 created exactly now: created, open, no response yet.
        await db.Ticket(2, 2, Now);
        // t3 resolved exactly now: not open; first response 600 s; resolution 10 d = 864000 s.
        await db.Ticket(3, 1, Now.AddDays(-10), Now.AddDays(-10).AddSeconds(600), Now, priority: "urgent");
        // t4 open; first response 1800 s.
        await db.Ticket(4, 2, Now.AddDays(-5), Now.AddDays(-5).AddSeconds(1800));
        // t5 open; answered only after now, so left out of the first-response quantiles.
        await db.Ticket(5, 1, Now.AddDays(-2), Now.AddHours(1));
        // t6 created after now: nowhere.
        await db.Ticket(6, 1, Now.AddHours(1), Now.AddHours(2), Now.AddHours(3));
        // t7 of the internal account: nowhere (it would be created, answered in 60 s and resolved in the window).
        await db.Ticket(7, 9, Now.AddDays(-1), Now.AddDays(-1).AddSeconds(60), Now.AddHours(-1));
        // t8 first response 3600 s; resolved 1 d after creation, inside the window: resolution 86400 s.
        await db.Ticket(8, 2, Now.AddDays(-20), Now.AddDays(-20).AddSeconds(3600), Now.AddDays(-19));
        // t9 created and resolved before the window: nowhere.
        await db.Ticket(9, 1, Now.AddDays(-40), Now.AddDays(-40).AddSeconds(100), Now.AddDays(-35));
        // t10 created before the window, never resolved: open.
        await db.Ticket(10, 1, Now.AddDays(-40), priority: null);
        // t11 first response 7200 s; resolved after now: open, not in the resolution quantiles.
        await db.Ticket(11, 2, Now.AddDays(-3), Now.AddDays(-3).AddSeconds(7200), Now.AddHours(2));
        // t12 created 1 s after the window start: created, open; first response 300 s.
        await db.Ticket(12, 1, WindowStart.AddSeconds(1), WindowStart.AddSeconds(301));
        // t13 resolved exactly at the window start: not in the resolution quantiles (it would add 1296000 s).
        await db.Ticket(13, 1, Now.AddDays(-45), Now.AddDays(-44), WindowStart);

        // Rows that break the contract: used nowhere, counted whatever their account.
        // t14 answered and resolved before its creation: one reason only, the first checked.
        await db.Ticket(14, 1, Now.AddDays(-1), Now.AddDays(-2), Now.AddDays(-3));
        // t15 resolved before its creation.
        await db.Ticket(15, 1, Now.AddDays(-1), Now.AddDays(-1).AddSeconds(60), Now.AddDays(-2));
        // t16 of the internal account, answered before its creation.
        await db.Ticket(16, 9, Now.AddDays(-1), Now.AddDays(-1).AddSeconds(-1));
        // t17 answered 1 s before its creation, otherwise an open ticket: rejected, so neither created nor open.
        await db.Ticket(17, 2, Now.AddDays(-1), Now.AddDays(-1).AddSeconds(-1));
        return db;
    }

    private static Task<Exposition> PollAsync(HandBuiltDatabase db) =>
        CollectorPoll.PollAsync(db.ConnectionString, Settings(), SupportCollector.Descriptor.Name);

    [Fact]
    public async Task TicketsCreatedAndOpen_CountTheWindowAndTheStateAtNow()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        // Created in (now - 30d, now]: t2 t3 t4 t5 t8 t11 t12. Not t1 (at the window start), t6 (after now), t7
        // (internal), t9 t10 t13 (before), t14-t17 (rejected).
        Assert.Equal(7, metrics.Value("saas_tickets_created", ("window", "30d")));
        // Open at now: t2 t4 t5 t10 t11 t12. Not t3 (resolved exactly now), t6 (not created yet), t1 t8 t9 t13
        // (resolved), t7 (internal), t14-t17 (rejected).
        Assert.Equal(6, metrics.Value("saas_tickets_open"));
        Assert.Equal(1, metrics.Value("saas_exporter_collector_up", ("collector", "support")));
    }

    [Fact]
    public async Task FirstResponseAndResolutionQuantiles_InterpolateOverTheirOwnTickets()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        // First responses of tickets created in the window, answered by now: t12 300, t3 600, t4 1800, t8 3600,
        // t11 7200. p50 at rank 2 = 1800; p90 at rank 3.6 = 3600 + 0.6 * (7200 - 3600) = 5760.
        Assert.Equal(1800, metrics.Value("saas_ticket_first_response_seconds", ("window", "30d"), ("quantile", "0.5")), 9);
        Assert.Equal(5760, metrics.Value("saas_ticket_first_response_seconds", ("window", "30d"), ("quantile", "0.9")), 9);
        // Resolutions in the window: t1 36000, t8 86400, t3 864000. p50 at rank 1 = 86400; p90 at rank 1.8 =
        // 86400 + 0.8 * (864000 - 86400) = 708480.
        Assert.Equal(86400, metrics.Value("saas_ticket_resolution_seconds", ("window", "30d"), ("quantile", "0.5")), 9);
        Assert.Equal(708480, metrics.Value("saas_ticket_resolution_seconds", ("window", "30d"), ("quantile", "0.9")), 9);
        Assert.Equal(2, metrics.Family("saas_ticket_first_response_seconds").Count);
        Assert.Equal(2, metrics.Family("saas_ticket_resolution_seconds").Count);
    }

    [Fact]
    public async Task RejectedTickets_AreCountedOnceEachWithTheFirstReason()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        Assert.Equal(3, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "tickets"), ("reason", "response_before_creation")));  // t14 t16 t17
        Assert.Equal(1, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "tickets"), ("reason", "resolved_before_creation")));  // t15
    }

    [Fact]
    public async Task Quantiles_OverNoTickets_AreAbsentNotZero_AndCountsAreZero()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "support_unanswered");
        await db.Account(1);
        // Created in the window, answered only after now; created before the window, resolved only after now.
        await db.Ticket(1, 1, Now.AddHours(-1), Now.AddHours(1));
        await db.Ticket(2, 1, Now.AddDays(-40), Now.AddDays(-39), Now.AddHours(2));

        var metrics = await PollAsync(db);

        Assert.Equal(1, metrics.Value("saas_tickets_created", ("window", "30d")));
        Assert.Equal(2, metrics.Value("saas_tickets_open"));
        Assert.Empty(metrics.Family("saas_ticket_first_response_seconds"));
        Assert.Empty(metrics.Family("saas_ticket_resolution_seconds"));
        Assert.Equal(0, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "tickets"), ("reason", "response_before_creation")));
        Assert.Equal(0, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "tickets"), ("reason", "resolved_before_creation")));

        var empty = await PollAsync(await HandBuiltDatabase.CreateAsync(postgres, "support_empty"));
        Assert.Equal(0, empty.Value("saas_tickets_created", ("window", "30d")));
        Assert.Equal(0, empty.Value("saas_tickets_open"));
        Assert.Empty(empty.Family("saas_ticket_first_response_seconds"));
        Assert.Empty(empty.Family("saas_ticket_resolution_seconds"));
    }

    [Fact]
    public async Task WithoutTickets_OnlySupportIsDisabled()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "no_tickets");
        await db.Account(1);
        await db.User(1, 1);
        await db.Event(1, Now.AddHours(-1));
        await db.Sql("DROP TABLE tickets");

        // Support and surveys read optional relations; engagement reads none.
        var metrics = await CollectorPoll.PollAsync(db.ConnectionString, Settings(),
            EngagementDefinition.Descriptor.Name, SupportCollector.Descriptor.Name, SurveyCollector.Descriptor.Name);

        Assert.Equal(1, metrics.Value("saas_active_users", ("entity", "user"), ("window", "1d")));
        Assert.Equal(0, metrics.Value("saas_exporter_collector_enabled", ("collector", "support")));
        Assert.Equal(1, metrics.Value("saas_exporter_collector_enabled", ("collector", "surveys")));
        Assert.Empty(metrics.Family("saas_tickets_created"));
        Assert.Empty(metrics.Family("saas_tickets_open"));
    }
}
