using System.Globalization;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Catalogue;

namespace SaasExporter.Collectors;

/// <summary>
/// NPS, CSAT and CES answers: for each user and survey, the latest valid response in the window, by score bucket. NPS
/// (0-10): promoter 9-10, passive 7-8, detractor 0-6; CSAT (1-5): satisfied 4-5, neutral 3, unsatisfied 1-2; CES 2.0
/// (1-7, 7 = easiest): easy 5-7, neutral 4, difficult 1-3.
/// </summary>
internal sealed class SurveyCollector() : DescribedCollector(Descriptor), IDescribedCollector
{
    // The bucket table is the scale of each survey: a score that falls in no bucket of its survey is out of range, and a
    // survey with no bucket is unknown (checked first). Rejected rows are counted over the whole table, one reason each,
    // and dropped before the latest response is chosen, so a broken answer never hides an earlier valid one. A response
    // counts when its account exists and is not internal and its user is not a known internal user. Of two responses at
    // the same instant the higher score wins, so the choice is the same at every poll. Every bucket is reported, at 0
    // when empty.
    private const string Sql = """
        WITH buckets(survey, bucket, low, high) AS (
            VALUES ('nps', 'detractor', 0, 6), ('nps', 'passive', 7, 8), ('nps', 'promoter', 9, 10),
                   ('csat', 'unsatisfied', 1, 2), ('csat', 'neutral', 3, 3), ('csat', 'satisfied', 4, 5),
                   ('ces', 'difficult', 1, 3), ('ces', 'neutral', 4, 4), ('ces', 'easy', 5, 7)
        ),
        classified AS (
            SELECT r.user_id, r.account_id, r.survey::text AS survey, r.score, r.responded_at, b.bucket,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM buckets k WHERE k.survey = r.survey::text) THEN 'unknown_survey'
                        WHEN b.bucket IS NULL THEN 'score_out_of_range' END AS reason
            FROM survey_responses r
            LEFT JOIN buckets b ON b.survey = r.survey::text AND r.score BETWEEN b.low AND b.high
        ),
        latest AS (
            SELECT DISTINCT ON (c.user_id, c.survey) c.survey, c.bucket
            FROM classified c
            JOIN accounts a ON a.account_id = c.account_id
            LEFT JOIN users u ON u.user_id = c.user_id
            WHERE c.reason IS NULL AND NOT a.is_internal AND u.is_internal IS NOT TRUE
              AND c.responded_at > @now - @window AND c.responded_at <= @now
            ORDER BY c.user_id, c.survey, c.responded_at DESC, c.score DESC
        )
        SELECT 'responses' AS family, b.survey AS a, b.bucket AS b, count(l.bucket)::float8 AS value
        FROM buckets b
        LEFT JOIN latest l ON l.survey = b.survey AND l.bucket = b.bucket
        GROUP BY b.survey, b.bucket
        UNION ALL
        SELECT 'rejected', 'unknown_survey', '', count(*) FILTER (WHERE reason = 'unknown_survey')::float8 FROM classified
        UNION ALL
        SELECT 'rejected', 'score_out_of_range', '', count(*) FILTER (WHERE reason = 'score_out_of_range')::float8 FROM classified
        """;

    private static readonly Window SurveyWindow = Window.Days(90);

    private static readonly MetricFamily Responses = new("saas_survey_responses",
        "Users by score bucket of their latest valid response to the survey in the rolling window: nps (0-10) promoter 9-10, passive 7-8, detractor 0-6; csat (1-5) satisfied 4-5, neutral 3, unsatisfied 1-2; ces (1-7) easy 5-7, neutral 4, difficult 1-3.",
        "survey", "bucket", "window");

    public static CollectorDescriptor Descriptor { get; } = new("surveys", CollectorSchedule.Every(15, 60),
        Relations: ["survey_responses", "accounts", "users"],
        Families: [Responses])
    {
        LabelValues = (_, label, _) => label switch
        {
            "window" => CatalogueLabel.Code(label, "90d"),
            "survey" => CatalogueLabel.Code(label, "nps", "csat", "ces"),
            "bucket" => CatalogueLabel.Code(label, "promoter", "passive", "detractor", "satisfied", "neutral", "unsatisfied", "easy", "difficult"),
            _ => null,
        },
    };

    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync<LabelledValue>(Sql, new { now, window = SurveyWindow.Length }, cancellationToken);

        var samples = new List<Sample>();
        var rejected = new List<RejectedRows>();
        foreach (var row in rows)
        {
            switch (row.Family)
            {
                case "responses": samples.Add(Responses.Sample(row.Value, row.A, row.B, SurveyWindow.Label)); break;
                case "rejected": rejected.Add(new RejectedRows("survey_responses", row.A, (long)row.Value)); break;
                default: throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"unexpected row family '{row.Family}'"));
            }
        }

        return new CollectorResult(samples, rejected);
    }
}
