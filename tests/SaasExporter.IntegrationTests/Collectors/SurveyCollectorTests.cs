using SaasExporter.Collectors;
using SaasExporter.Events.Engagement;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

[Collection(CollectorPollCollection.Name)]
public sealed class SurveyCollectorTests(PostgresFixture postgres, ClassDataset dataset) : IClassFixture<ClassDataset>
{
    private static readonly DateTimeOffset Now = Utc("2026-06-30T12:00:00Z");
    private static readonly DateTimeOffset WindowStart = Now.AddHours(-2160);   // 2026-04-01T12:00Z

    private static readonly (string Survey, string Bucket)[] AllBuckets =
    [
        ("nps", "promoter"), ("nps", "passive"), ("nps", "detractor"),
        ("csat", "satisfied"), ("csat", "neutral"), ("csat", "unsatisfied"),
        ("ces", "easy"), ("ces", "neutral"), ("ces", "difficult"),
    ];

    private static Dictionary<string, string?> Settings() => new()
    {
        ["AsOf"] = Iso(Now),
        // One poll in the life of the test, so the rejection counters hold exactly one poll's rows.
        ["Collectors:surveys:Interval"] = "01:00:00",
    };

    private static DateTimeOffset DaysAgo(int days) => Now.AddDays(-days);

    /// <summary>
    /// Responses are (user, account, survey, score, responded_at). Users 1-9 and 12 belong to a1; u10 is an internal user
    /// of a1; u11 belongs to the internal account a9; u999 is not in users. What each response contributes is written
    /// beside it.
    /// </summary>
    private async Task<HandBuiltDatabase> BuildAsync()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "surveys");
        await db.Account(1);
        await db.Account(9, isInternal: true);
        foreach (var user in new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 12 })
        {
            await db.User(user, 1);
        }

        await db.User(10, 1, isInternal: true);
        await db.User(11, 9);

        // NPS, 0-10: detractor 0-6, passive 7-8, promoter 9-10.
        await db.Survey(1, 1, "nps", 10, DaysAgo(60));            // u1 promoter, superseded by
        await db.Survey(1, 1, "nps", 3, DaysAgo(10));             //    a newer detractor: detractor
        await db.Survey(2, 1, "nps", 6, DaysAgo(5));              // u2 detractor (6/7 boundary)
        await db.Survey(3, 1, "nps", 7, DaysAgo(5));              // u3 passive
        await db.Survey(4, 1, "nps", 8, DaysAgo(5));              // u4 passive (8/9 boundary)
        await db.Survey(5, 1, "nps", 9, DaysAgo(5));              // u5 promoter
        await db.Survey(6, 1, "nps", 0, DaysAgo(5));              // u6 detractor
        await db.Survey(7, 1, "nps", 9, DaysAgo(20));             // u7 promoter: its later
        await db.Survey(7, 1, "nps", 11, DaysAgo(1));             //    out-of-range answer is rejected, hides nothing
        await db.Survey(8, 1, "nps", 2, WindowStart);             // u8 exactly at the window start: outside
        await db.Survey(8, 1, "nps", 10, WindowStart.AddDays(-1)); //   and before it: nothing
        await db.Survey(9, 1, "nps", 8, Now);                     // u9 exactly now: passive; its answer
        await db.Survey(9, 1, "nps", 10, Now.AddHours(1));        //    after now is ignored
        await db.Survey(10, 1, "nps", 10, DaysAgo(5));            // u10 internal user: nowhere
        await db.Survey(11, 9, "nps", 10, DaysAgo(5));            // u11 internal account: nowhere
        await db.Survey(999, 1, "nps", 10, DaysAgo(5));           // u999, not in users, of a customer account: promoter
        await db.Survey(12, 1, "nps", 6, DaysAgo(3));             // u12 two answers at one instant: the higher
        await db.Survey(12, 1, "nps", 9, DaysAgo(3));             //     score wins, promoter

        // CSAT, 1-5: unsatisfied 1-2, neutral 3, satisfied 4-5.
        await db.Survey(1, 1, "csat", 1, DaysAgo(5));             // u1 unsatisfied
        await db.Survey(2, 1, "csat", 2, DaysAgo(5));             // u2 unsatisfied (2/3 boundary)
        await db.Survey(3, 1, "csat", 3, DaysAgo(5));             // u3 neutral (3/4 boundary)
        await db.Survey(4, 1, "csat", 4, DaysAgo(5));             // u4 satisfied
        await db.Survey(5, 1, "csat", 5, DaysAgo(5));             // u5 satisfied
        await db.Survey(6, 1, "csat", 0, DaysAgo(1));             // u6 out of range: rejected, nothing counted
        await db.Survey(7, 1, "csat", 5, DaysAgo(30));            // u7 satisfied, superseded by
        await db.Survey(7, 1, "csat", 2, DaysAgo(2));             //    unsatisfied

        // CES 2.0, 1-7: difficult 1-3, neutral 4, easy 5-7.
        await db.Survey(1, 1, "ces", 1, DaysAgo(5));              // u1 difficult
        await db.Survey(2, 1, "ces", 3, DaysAgo(5));              // u2 difficult (3/4 boundary)
        await db.Survey(3, 1, "ces", 4, DaysAgo(5));              // u3 neutral (4/5 boundary)
        await db.Survey(4, 1, "ces", 5, DaysAgo(5));              // u4 easy
        await db.Survey(5, 1, "ces", 7, DaysAgo(5));              // u5 easy
        await db.Survey(6, 1, "ces", 8, DaysAgo(1));              // u6 out of range: rejected
        await db.Survey(7, 1, "ces", 4, DaysAgo(50));             // u7 neutral: its later
        await db.Survey(7, 1, "ces", 8, DaysAgo(1));              //    out-of-range answer is rejected

        // Rejected whatever their date or user: unknown surveys (names are case-sensitive), out-of-range scores.
        await db.Survey(1, 1, "enps", 5, DaysAgo(5));
        await db.Survey(2, 1, "NPS", 9, DaysAgo(5));
        await db.Survey(10, 1, "nps", 12, DaysAgo(5));            // internal user
        await db.Survey(3, 1, "nps", -1, DaysAgo(100));           // before the window
        return db;
    }

    private static Task<Exposition> PollAsync(HandBuiltDatabase db) =>
        CollectorPoll.PollAsync(db.ConnectionString, Settings(), SurveyCollector.Descriptor.Name);

    private static double Responses(Exposition metrics, string survey, string bucket) =>
        metrics.Value("saas_survey_responses", ("survey", survey), ("bucket", bucket), ("window", "90d"));

    [Fact]
    public async Task Nps_LatestValidResponsePerUserInTheWindow_ByBucket()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        Assert.Equal(4, Responses(metrics, "nps", "promoter"));    // u5 u7 u12 u999
        Assert.Equal(3, Responses(metrics, "nps", "passive"));     // u3 u4 u9
        Assert.Equal(3, Responses(metrics, "nps", "detractor"));   // u1 u2 u6
    }

    [Fact]
    public async Task CsatAndCes_LatestValidResponsePerUserInTheWindow_ByBucket()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        Assert.Equal(2, Responses(metrics, "csat", "satisfied"));      // u4 u5
        Assert.Equal(1, Responses(metrics, "csat", "neutral"));        // u3
        Assert.Equal(3, Responses(metrics, "csat", "unsatisfied"));    // u1 u2 u7
        Assert.Equal(2, Responses(metrics, "ces", "easy"));            // u4 u5
        Assert.Equal(2, Responses(metrics, "ces", "neutral"));         // u3 u7
        Assert.Equal(2, Responses(metrics, "ces", "difficult"));       // u1 u2
        Assert.Equal(9, metrics.Family("saas_survey_responses").Count);
    }

    [Fact]
    public async Task RejectedResponses_AreCountedOverTheWholeTable()
    {
        var metrics = await PollAsync(await dataset.GetAsync(BuildAsync));

        // u7 nps 11, u6 csat 0, u6 ces 8, u7 ces 8, u10 nps 12, u3 nps -1.
        Assert.Equal(6, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "survey_responses"), ("reason", "score_out_of_range")));
        // enps, NPS.
        Assert.Equal(2, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "survey_responses"), ("reason", "unknown_survey")));
    }

    [Fact]
    public async Task EveryBucket_IsServedAtZero_WhenThereAreNoResponses()
    {
        var metrics = await PollAsync(await HandBuiltDatabase.CreateAsync(postgres, "surveys_empty"));

        Assert.All(AllBuckets, b => Assert.Equal(0, Responses(metrics, b.Survey, b.Bucket)));
        Assert.Equal(9, metrics.Family("saas_survey_responses").Count);
        Assert.Equal(0, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "survey_responses"), ("reason", "score_out_of_range")));
        Assert.Equal(0, metrics.Value("saas_exporter_rows_rejected_total", ("relation", "survey_responses"), ("reason", "unknown_survey")));
    }

    [Fact]
    public async Task WithoutSurveyResponses_OnlySurveysIsDisabled()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "no_surveys");
        await db.Account(1);
        await db.User(1, 1);
        await db.Event(1, Now.AddHours(-1));
        await db.Sql("DROP TABLE survey_responses");

        // Surveys and support read optional relations; engagement reads none.
        var metrics = await CollectorPoll.PollAsync(db.ConnectionString, Settings(),
            EngagementDefinition.Descriptor.Name, SurveyCollector.Descriptor.Name, SupportCollector.Descriptor.Name);

        Assert.Equal(1, metrics.Value("saas_active_users", ("entity", "user"), ("window", "1d")));
        Assert.Equal(0, metrics.Value("saas_exporter_collector_enabled", ("collector", "surveys")));
        Assert.Equal(1, metrics.Value("saas_exporter_collector_enabled", ("collector", "support")));
        Assert.Empty(metrics.Family("saas_survey_responses"));
    }
}
