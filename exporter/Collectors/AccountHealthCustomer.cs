namespace SaasExporter.Collectors;

/// <summary>A row of <see cref="AccountHealthQuery.CustomersSql"/>: a customer's inputs without usage.</summary>
internal sealed class AccountHealthCustomer
{
    public long AccountId { get; init; }

    public double Mrr { get; init; }

    public double MrrNinetyDaysAgo { get; init; }

    public long Users { get; init; }

    public long OpenTickets { get; init; }

    public long SlowTickets { get; init; }

    public int? LatestNps { get; init; }

    public bool ScheduledChurn { get; init; }

    public AccountHealthInputs WithUsage(long activeUsers, long activeDays) =>
        new(Mrr, MrrNinetyDaysAgo, Users, activeUsers, activeDays, OpenTickets, SlowTickets, LatestNps, ScheduledChurn);
}
