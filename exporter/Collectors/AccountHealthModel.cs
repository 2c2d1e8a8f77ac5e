using SaasExporter.Configuration;

namespace SaasExporter.Collectors;

/// <summary>What the database knows about one customer at now, the inputs of its health score.</summary>
public sealed record AccountHealthInputs(
    double Mrr,
    double MrrNinetyDaysAgo,
    long Users,
    long ActiveUsers,
    long ActiveDays,
    long OpenTickets,
    long SlowTickets,
    int? LatestNps,
    bool ScheduledChurn);

/// <summary>
/// The account health model. Four components, each 0-100, combined as a weighted mean:
/// <list type="bullet">
/// <item>usage: half the share of the account's users active in 30 days, half its distinct active days of the 30
/// calendar days ending today against UsageTargetDays (capped at 1);</item>
/// <item>support: 100, less OpenTicketPenalty per ticket open at now and SlowTicketPenalty per slow ticket of the last
/// 30 days, floored at 0;</item>
/// <item>sentiment: the latest NPS answer of the account's users in 90 days: promoter 100, passive 50, detractor 0; no
/// answer is neutral, 50;</item>
/// <item>billing: 0 when the paid MRR is scheduled to end within 90 days; otherwise 100 times MRR now over MRR 90 days
/// ago, capped at 100 (a contraction costs in proportion; a customer new in the period has lost nothing).</item>
/// </list>
/// </summary>
public static class AccountHealthModel
{
    public const string Green = "green";
    public const string Yellow = "yellow";
    public const string Red = "red";

    public static double Usage(AccountHealthInputs a, AccountHealthOptions o)
    {
        var share = a.Users == 0 ? 0 : Math.Min(1, (double)a.ActiveUsers / a.Users);
        var frequency = Math.Min(1, (double)a.ActiveDays / o.UsageTargetDays);
        return 100 * (0.5 * share + 0.5 * frequency);
    }

    public static double Support(AccountHealthInputs a, AccountHealthOptions o) =>
        Math.Max(0, 100 - (o.OpenTicketPenalty * a.OpenTickets) - (o.SlowTicketPenalty * a.SlowTickets));

    public static double Sentiment(AccountHealthInputs a) => a.LatestNps switch
    {
        null => 50,
        >= 9 => 100,
        >= 7 => 50,
        _ => 0,
    };

    public static double Billing(AccountHealthInputs a) =>
        a.ScheduledChurn ? 0
        : a.MrrNinetyDaysAgo <= 0 ? 100
        : 100 * Math.Min(1, a.Mrr / a.MrrNinetyDaysAgo);

    public static double Score(AccountHealthInputs a, AccountHealthOptions o)
    {
        double total = o.UsageWeight + o.SupportWeight + o.SentimentWeight + o.BillingWeight;
        return ((o.UsageWeight * Usage(a, o)) + (o.SupportWeight * Support(a, o)) + (o.SentimentWeight * Sentiment(a)) + (o.BillingWeight * Billing(a))) / total;
    }

    public static string Band(double score, AccountHealthOptions o) =>
        score >= o.GreenMin ? Green : score >= o.YellowMin ? Yellow : Red;
}
