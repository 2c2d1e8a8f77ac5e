using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.IntegrationTests.Oracle;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Collectors;

/// <summary>
/// Every support and survey series served on /metrics for the seeded scale-1 database (tickets answered and resolved
/// at all delays, NPS, CSAT and CES answers, a few out-of-range NPS scores) equals a plain C# computation of its
/// definition over the same rows.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CustomerSuccessOracleTests(PostgresFixture postgres)
{
    public static TheoryData<string> Evaluations => new()
    {
        // The end of the generated history.
        "2026-11-05T00:00:00Z",
        // Mid-history, at a time of day: many tickets created by then are answered or resolved only later.
        "2026-10-02T09:30:00Z",
    };

    [Theory]
    [MemberData(nameof(Evaluations))]
    public async Task ServedCustomerSuccessMetrics_EqualTheOracle(string asOf)
    {
        var (connectionString, served) = await SeededEvaluation.ScrapeAsync(postgres, new Dictionary<string, string?>
        {
            ["AsOf"] = asOf,
            // One poll in the life of the test, so the rejection counters hold exactly one poll's rows.
            ["Collectors:support:Interval"] = "01:00:00",
            ["Collectors:surveys:Interval"] = "01:00:00",
        });
        var oracle = await CustomerSuccessReference.LoadAsync(connectionString, Utc(asOf));

        Assert.Equal(oracle.TicketsCreated(30), served.Value("saas_tickets_created", ("window", "30d")));
        Assert.Single(served.Family("saas_tickets_created"));
        Assert.Equal(oracle.TicketsOpen(), served.Value("saas_tickets_open"));
        AssertQuantiles(oracle.FirstResponseSeconds(30), served, "saas_ticket_first_response_seconds");
        AssertQuantiles(oracle.ResolutionSeconds(30), served, "saas_ticket_resolution_seconds");

        var responses = oracle.SurveyResponses(90);
        Assert.Equal(
            responses.Keys.Select(k => Exposition.Key("saas_survey_responses", ("survey", k.Survey), ("bucket", k.Bucket), ("window", "90d"))).Order(StringComparer.Ordinal),
            served.Family("saas_survey_responses").Keys.Order(StringComparer.Ordinal));
        foreach (var ((survey, bucket), users) in responses)
        {
            Assert.Equal(users, served.Value("saas_survey_responses", ("survey", survey), ("bucket", bucket), ("window", "90d")));
        }

        foreach (var (reason, count) in oracle.TicketRejections)
        {
            Assert.Equal(count, served.Value("saas_exporter_rows_rejected_total", ("relation", "tickets"), ("reason", reason)));
        }

        foreach (var (reason, count) in oracle.SurveyRejections)
        {
            Assert.Equal(count, served.Value("saas_exporter_rows_rejected_total", ("relation", "survey_responses"), ("reason", reason)));
        }

        // The dataset must exercise the definitions, not just agree on zeros.
        Assert.True(oracle.TicketsCreated(30) > 100 && oracle.TicketsOpen() > 10, $"too few tickets at {asOf}");
        Assert.Equal(2, oracle.FirstResponseSeconds(30).Count);
        Assert.Equal(2, oracle.ResolutionSeconds(30).Count);
        Assert.All(responses, r => Assert.True(r.Value > 0, $"no {r.Key.Survey} {r.Key.Bucket} response at {asOf}"));
        Assert.True(oracle.SurveyRejections["score_out_of_range"] > 0, "the generator's out-of-range NPS scores should be rejected");

        await Promtool.CheckMetricsAsync(served.Text);
    }

    private static void AssertQuantiles(Dictionary<double, double> expected, Exposition served, string name)
    {
        Assert.Equal(expected.Count, served.Family(name).Count);
        foreach (var (q, seconds) in expected)
        {
            var actual = served.Value(name, ("window", "30d"), ("quantile", q.ToString("0.0#", CultureInfo.InvariantCulture)));
            Assert.True(Math.Abs(seconds - actual) <= 1e-9 * Math.Max(1, Math.Abs(seconds)),
                string.Create(CultureInfo.InvariantCulture, $"{name} quantile {q}: expected {seconds} but /metrics served {actual}"));
        }
    }
}
