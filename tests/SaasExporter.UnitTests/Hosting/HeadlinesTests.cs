using SaasExporter.Hosting;
using SaasExporter.Polling;

namespace SaasExporter.UnitTests.Hosting;

/// <summary>The headline numbers read from an exposition as /metrics renders it, and why one is absent.</summary>
public sealed class HeadlinesTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-06-10T12:00:05Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset EvaluatedAt = DateTimeOffset.Parse("2026-06-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly FamilyOwner[] Collectors =
    [
        new("engagement", "saas_active_users"),
        new("activation", "saas_activation_cohort_users", "saas_activation_activated_users"),
        new("revenue", "saas_mrr"),
    ];

    private static readonly HashSet<string> Families =
        new(["saas_active_users", "saas_activation_cohort_users", "saas_activation_activated_users", "saas_mrr"], StringComparer.Ordinal);

    [Fact]
    public void From_PublishedExposition_ComputesEachNumberWithItsCollectorsEvaluationInstant()
    {
        const string Exposition = """
            # HELP saas_active_users Users.
            # TYPE saas_active_users gauge
            saas_active_users{entity="user",window="1d"} 374
            saas_active_users{entity="account",window="1d"} 80
            saas_active_users{entity="user",window="30d"} 1961
            saas_active_users_other{entity="user",window="1d"} 5
            saas_activation_cohort_users 40
            saas_activation_activated_users 13
            saas_mrr{plan="pro \"annual\"",billing_interval="year"} 1200.5
            saas_mrr{plan="team",billing_interval="month"} 99
            """;

        var numbers = Headlines.From(PublishedSamples.Parse(Exposition, Families), Succeeded("engagement", "activation", "revenue"), Collectors);

        Assert.Equal(
        [
            ("DAU", (double?)374, (string?)null, (string?)"engagement", (DateTimeOffset?)EvaluatedAt),
            ("MAU", 1961, null, "engagement", EvaluatedAt),
            ("Activation rate", 13.0 / 40, null, "activation", EvaluatedAt),
            ("MRR", 1299.5, null, "revenue", EvaluatedAt),
        ],
        numbers.Select(n => (n.Name, n.Value, n.Missing, n.Collector, n.EvaluatedAt)));
    }

    [Fact]
    public void From_NothingPublishedYet_SaysWhyEachNumberIsMissing_AndAnEmptyRevenueIsZero()
    {
        const string Exposition = """
            saas_active_users{entity="user",window="7d"} 3
            saas_activation_cohort_users 0
            saas_activation_activated_users 0
            """;
        CollectorStatus[] statuses = [.. Succeeded("engagement", "revenue"), new("activation", true, null, null, null, null, null)];

        var numbers = Headlines.From(PublishedSamples.Parse(Exposition, Families), statuses, Collectors);

        Assert.Equal(
        [
            ("DAU", (double?)null, (string?)"not served: ActiveWindows has no 1d window"),
            ("MAU", null, "not served: ActiveWindows has no 30d window"),
            ("Activation rate", null, "loading: collector activation has not completed a poll yet"),
            ("MRR", 0, null),
        ],
        numbers.Select(n => (n.Name, n.Value, n.Missing)));
        Assert.Null(numbers[2].EvaluatedAt);
    }

    [Fact]
    public void From_EmptyActivationCohort_IsUndefined_AndADisabledCollectorSaysSo()
    {
        CollectorStatus[] statuses = [.. Succeeded("engagement", "activation"), new("revenue", false, "relation subscriptions is missing", null, null, null, null)];

        var numbers = Headlines.From(PublishedSamples.Parse("saas_activation_cohort_users 0\nsaas_activation_activated_users 0\n", Families), statuses, Collectors);

        Assert.Equal("undefined: no users in the activation cohort", numbers[2].Missing);
        Assert.Equal("not served: collector revenue is disabled", numbers[3].Missing);
        Assert.Null(numbers[3].Value);
    }

    private static CollectorStatus[] Succeeded(params string[] collectors) =>
        [.. collectors.Select(c => new CollectorStatus(c, true, null, At, TimeSpan.FromSeconds(1), At, null, null, EvaluatedAt))];
}
