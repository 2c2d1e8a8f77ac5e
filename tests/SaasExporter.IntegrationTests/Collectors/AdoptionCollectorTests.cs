using SaasExporter.Events.Adoption;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

[Collection(CollectorPollCollection.Name)]
public sealed class AdoptionCollectorTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = Utc("2026-06-10T12:00:00Z");

    [Fact]
    public async Task Adoption_CountsConfiguredFeaturesPerWindowAndBreadthOfUse()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "adoption");
        await db.Account(1);
        await db.Account(2, isInternal: true);
        for (var user = 1; user <= 6; user++)
        {
            await db.User(user, user == 5 ? 2 : 1);
        }

        await db.Event(1, Now.AddDays(-1), feature: "contacts");
        await db.Event(1, Now.AddDays(-10), feature: "deals");
        await db.Event(1, Now.AddHours(1), feature: "email");               // after now
        await db.Event(2, Now.AddDays(-7), feature: "reports");             // exactly now - 7d: 30d only
        await db.Event(2, Now.AddHours(-1), feature: "billing");            // not configured: never a label
        await db.Event(3, Now.AddDays(-2), name: "login", feature: null);   // active, no feature
        foreach (var feature in new[] { "contacts", "deals", "email", "reports" })
        {
            await db.Event(4, Now.AddDays(-3), feature: feature);
        }

        await db.Event(5, Now.AddDays(-1), feature: "contacts");            // internal account
        await db.Event(6, Now.AddDays(-1), name: "notification_sent", feature: "deals"); // excluded event

        var metrics = await CollectorPoll.PollAsync(db.ConnectionString,
            new Dictionary<string, string?> { ["AsOf"] = Iso(Now), ["ExcludedEvents:0"] = "notification_sent" }, AdoptionDefinition.Descriptor.Name);

        double Feature(string feature, string window) => metrics.Value("saas_feature_active_users", ("feature", feature), ("window", window));
        Assert.Equal(2, Feature("contacts", "7d"));  // u1 u4
        Assert.Equal(2, Feature("contacts", "30d")); // u1 u4
        Assert.Equal(1, Feature("deals", "7d"));     // u4
        Assert.Equal(2, Feature("deals", "30d"));    // u1 u4
        Assert.Equal(1, Feature("email", "7d"));     // u4
        Assert.Equal(1, Feature("email", "30d"));    // u4
        Assert.Equal(1, Feature("reports", "7d"));   // u4
        Assert.Equal(2, Feature("reports", "30d"));  // u2 u4
        Assert.Equal(8, metrics.Family("saas_feature_active_users").Count);

        double Breadth(string features) => metrics.Value("saas_features_used_users", ("features", features), ("window", "30d"));
        Assert.Equal(1, Breadth("0"));  // u3
        Assert.Equal(1, Breadth("1"));  // u2 (reports; billing is not configured)
        Assert.Equal(1, Breadth("2"));  // u1
        Assert.Equal(0, Breadth("3"));
        Assert.Equal(1, Breadth("4"));  // u4
        Assert.Equal(0, Breadth("5+"));
    }
}
