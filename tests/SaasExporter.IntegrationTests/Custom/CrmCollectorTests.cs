using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Custom;

/// <summary>The demo CRM's business outcomes, served by the shipped custom collector file over a hand-built dataset.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CrmCollectorTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = Utc("2026-06-30T12:00:00Z");

    /// <summary>
    /// Account 1 is a customer, account 9 is internal; user 10 is a normal user of account 1, user 11 an internal user
    /// of account 1, user 90 a user of the internal account. What each row contributes is written beside it.
    /// </summary>
    private async Task<Exposition> ServeAsync()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "crm");
        await db.Account(1);
        await db.Account(9, isInternal: true);
        await db.User(10, 1);
        await db.User(11, 1, isInternal: true);
        await db.User(90, 9);

        // Deals: (id, account, created, closed, status).
        await db.Deal(1, 1, Now.AddDays(-1));                                       // created exactly 1d ago: 7d 30d 90d; open
        await db.Deal(2, 1, Now.AddDays(-7), Now.AddDays(-1), "won");               // created exactly 7d ago: 30d 90d; won 7d 30d 90d, cycle 6 d
        await db.Deal(3, 1, Now.AddDays(-40), Now.AddDays(-10), "lost");            // created 90d; lost 30d 90d
        await db.Deal(4, 1, Now.AddDays(-100), Now.AddDays(-20), "won");            // created before 90d; won 30d 90d, cycle 80 d
        await db.Deal(5, 9, Now.AddDays(-1), Now.AddHours(-1), "won");              // internal account: nowhere
        await db.Deal(6, 1, Now.AddHours(1));                                       // created after now: nowhere
        await db.Deal(7, 1, Now.AddDays(-2), Now.AddHours(1), "won");               // created 7d 30d 90d; closes after now: not closed
        await db.Deal(8, 1, Now.AddDays(-60), Now, "lost");                         // created 90d; closed exactly now: lost 1d 7d 30d 90d
        await db.Deal(9, 1, Now.AddDays(-130), Now.AddDays(-60), "won");            // won 90d, cycle 70 d

        // Contacts: (id, account, created).
        await db.Contact(1, 1, Now.AddDays(-3));                                    // 7d 30d 90d
        await db.Contact(2, 1, Now.AddDays(-30));                                   // exactly 30d ago: 90d only
        await db.Contact(3, 9, Now.AddDays(-1));                                    // internal account: nowhere
        await db.Contact(4, 1, Now.AddDays(-89));                                   // 90d
        await db.Contact(5, 1, Now.AddDays(1));                                     // after now: nowhere
        await db.Contact(6, 1, Now.AddHours(-2));                                   // 1d 7d 30d 90d

        // E-mails are email_sent events.
        await db.Event(10, Now.AddHours(-1), name: "email_sent", feature: "email");   // 1d 7d 30d 90d
        await db.Event(10, Now, name: "email_sent", feature: "email");                // exactly now: 1d 7d 30d 90d
        await db.Event(10, Now.AddDays(-8), name: "email_sent", feature: "email");    // 30d 90d
        await db.Event(10, Now.AddDays(-90), name: "email_sent", feature: "email");   // exactly 90d ago: nowhere
        await db.Event(10, Now.AddHours(-1), name: "email_template_edited", feature: "email"); // another event: nowhere
        await db.Event(11, Now.AddHours(-1), name: "email_sent", feature: "email");   // internal user: nowhere
        await db.Event(90, Now.AddHours(-1), name: "email_sent", feature: "email");   // internal account: nowhere

        await using var exporter = await ExporterUnderTest.StartAsync(db.ConnectionString, new Dictionary<string, string?>
        {
            ["AsOf"] = Iso(Now),
            ["CustomCollectorsFile"] = Repository.PathOf("exporter", "crm-collectors.yml"),
        });
        await exporter.WaitReadyAsync();
        return await exporter.ScrapeAsync();
    }

    [Fact]
    public async Task CrmMetrics_MatchTheHandComputedAnswers()
    {
        var metrics = await ServeAsync();

        double W(string name, string window) => metrics.Value(name, ("window", window));
        double Closed(string status, string window) => metrics.Value("crm_deals_closed", ("status", status), ("window", window));

        Assert.Equal((0, 2, 3, 5), (W("crm_deals_created", "1d"), W("crm_deals_created", "7d"), W("crm_deals_created", "30d"), W("crm_deals_created", "90d")));
        Assert.Equal((0, 1, 2, 3), (Closed("won", "1d"), Closed("won", "7d"), Closed("won", "30d"), Closed("won", "90d")));
        Assert.Equal((1, 1, 2, 2), (Closed("lost", "1d"), Closed("lost", "7d"), Closed("lost", "30d"), Closed("lost", "90d")));
        Assert.Null(metrics.Get("crm_sales_cycle_days", ("window", "1d")));
        Assert.Equal(6, W("crm_sales_cycle_days", "7d"), 9);
        Assert.Equal((6 + 80) / 2.0, W("crm_sales_cycle_days", "30d"), 9);
        Assert.Equal((6 + 80 + 70) / 3.0, W("crm_sales_cycle_days", "90d"), 9);
        Assert.Equal((1, 2, 2, 4), (W("crm_contacts_created", "1d"), W("crm_contacts_created", "7d"), W("crm_contacts_created", "30d"), W("crm_contacts_created", "90d")));
        Assert.Equal((2, 2, 3, 3), (W("crm_emails_sent", "1d"), W("crm_emails_sent", "7d"), W("crm_emails_sent", "30d"), W("crm_emails_sent", "90d")));
        foreach (var collector in new[] { "crm_activity", "crm_deals", "crm_sales_cycle" })
        {
            Assert.Equal(1, metrics.Value("saas_exporter_collector_up", ("collector", collector)));
            Assert.Equal(0, metrics.Value("saas_exporter_collector_degraded", ("collector", collector)));
        }

        await Promtool.CheckMetricsAsync(metrics.Text);
    }

    [Fact]
    public async Task SalesCycle_WithoutAWonDeal_IsAbsentNotZero()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "crm_empty");
        await db.Account(1);
        await db.Deal(1, 1, Now.AddDays(-3), Now.AddDays(-1), "lost");

        await using var exporter = await ExporterUnderTest.StartAsync(db.ConnectionString, new Dictionary<string, string?>
        {
            ["AsOf"] = Iso(Now),
            ["CustomCollectorsFile"] = Repository.PathOf("exporter", "crm-collectors.yml"),
        });
        await exporter.WaitReadyAsync();
        var metrics = await exporter.ScrapeAsync();

        Assert.Empty(metrics.Family("crm_sales_cycle_days"));
        Assert.Equal(0, metrics.Value("crm_deals_closed", ("status", "won"), ("window", "7d")));
        Assert.Equal(1, metrics.Value("crm_deals_closed", ("status", "lost"), ("window", "7d")));
        Assert.Equal(0, metrics.Value("saas_exporter_collector_degraded", ("collector", "crm_sales_cycle")));
    }
}
