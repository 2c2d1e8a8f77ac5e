using SaasExporter.Collectors;
using SaasExporter.Configuration;

namespace SaasExporter.UnitTests.Collectors;

public sealed class AccountHealthModelTests
{
    private static readonly AccountHealthOptions Defaults = new();

    private static AccountHealthInputs Inputs(double mrr = 100, double then = 100, long users = 4, long active = 4, long days = 20,
        long open = 0, long slow = 0, int? nps = null, bool churn = false) =>
        new(mrr, then, users, active, days, open, slow, nps, churn);

    [Theory]
    [InlineData(4, 4, 20, 100)]     // everyone active, on the target number of days
    [InlineData(4, 2, 20, 75)]      // half the users: 0.5 * 0.5 + 0.5 * 1
    [InlineData(4, 4, 5, 62.5)]     // 5 of 20 days: 0.5 + 0.5 * 0.25
    [InlineData(4, 4, 30, 100)]     // frequency is capped at the target
    [InlineData(0, 0, 0, 0)]        // no users at all
    public void Usage_HalfShareHalfFrequency(long users, long active, long days, double expected) =>
        Assert.Equal(expected, AccountHealthModel.Usage(Inputs(users: users, active: active, days: days), Defaults), 9);

    [Theory]
    [InlineData(0, 0, 100)]
    [InlineData(1, 0, 85)]
    [InlineData(1, 1, 60)]
    [InlineData(3, 3, 0)]           // floored at 0, not negative
    public void Support_LosesPointsPerOpenAndSlowTicket(long open, long slow, double expected) =>
        Assert.Equal(expected, AccountHealthModel.Support(Inputs(open: open, slow: slow), Defaults));

    [Theory]
    [InlineData(null, 50)]
    [InlineData(10, 100)]
    [InlineData(9, 100)]
    [InlineData(8, 50)]
    [InlineData(7, 50)]
    [InlineData(6, 0)]
    [InlineData(0, 0)]
    public void Sentiment_FollowsTheNpsBucket(int? nps, double expected) =>
        Assert.Equal(expected, AccountHealthModel.Sentiment(Inputs(nps: nps)));

    [Theory]
    [InlineData(100, 100, false, 100)]
    [InlineData(50, 100, false, 50)]    // contraction costs in proportion
    [InlineData(150, 100, false, 100)]  // expansion is capped
    [InlineData(40, 0, false, 100)]     // new in the period: nothing lost
    [InlineData(100, 100, true, 0)]     // paid MRR scheduled to end within 90 days
    public void Billing_ComparesWithNinetyDaysAgo(double mrr, double then, bool churn, double expected) =>
        Assert.Equal(expected, AccountHealthModel.Billing(Inputs(mrr: mrr, then: then, churn: churn)));

    [Fact]
    public void Score_IsTheWeightedMean()
    {
        // usage 62.5, support 60, sentiment 0, billing 50: (40 * 62.5 + 20 * 60 + 20 * 0 + 20 * 50) / 100 = 47.
        var inputs = Inputs(mrr: 50, then: 100, users: 1, active: 1, days: 5, open: 1, slow: 1, nps: 3);

        Assert.Equal(47, AccountHealthModel.Score(inputs, Defaults), 9);
        var usageOnly = new AccountHealthOptions { UsageWeight = 1, SupportWeight = 0, SentimentWeight = 0, BillingWeight = 0 };
        Assert.Equal(62.5, AccountHealthModel.Score(inputs, usageOnly), 9);
    }

    [Theory]
    [InlineData(100, "green")]
    [InlineData(70, "green")]       // thresholds are inclusive lower bounds
    [InlineData(69.999, "yellow")]
    [InlineData(40, "yellow")]
    [InlineData(39.999, "red")]
    [InlineData(0, "red")]
    public void Band_UsesInclusiveThresholds(double score, string band) =>
        Assert.Equal(band, AccountHealthModel.Band(score, Defaults));
}
