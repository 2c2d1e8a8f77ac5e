namespace SaasExporter.Demo;

internal sealed record AccountRow(long AccountId, DateTimeOffset CreatedAt, bool IsInternal);

internal sealed record UserRow(long UserId, long AccountId, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt,
    DateTimeOffset? OnboardingCompletedAt, bool IsInternal);

internal readonly record struct EventRow(long UserId, DateTimeOffset OccurredAt, string Name, string? Feature, string? Platform);

internal sealed record SubscriptionRow(long SubscriptionId, long AccountId, string Plan, string BillingInterval, decimal Mrr,
    bool IsTrial, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

internal sealed record TicketRow(long TicketId, long AccountId, DateTimeOffset CreatedAt, DateTimeOffset? FirstResponseAt,
    DateTimeOffset? ResolvedAt, string Priority);

internal sealed record SurveyRow(long UserId, long AccountId, string Survey, int Score, DateTimeOffset RespondedAt);

internal sealed record SpendRow(DateOnly PeriodStart, DateOnly PeriodEnd, decimal Amount);

internal sealed record ContactRow(long ContactId, long AccountId, long UserId, DateTimeOffset CreatedAt);

internal sealed record DealRow(long DealId, long AccountId, long UserId, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt,
    string Status, decimal Amount);

/// <summary>Where generated rows go: the database (COPY) for seed and simulate, or a list in tests.</summary>
internal interface IDemoSink
{
    void Account(AccountRow row);

    void User(UserRow row);

    void Event(in EventRow row);

    void Subscription(SubscriptionRow row);

    void Ticket(TicketRow row);

    void Survey(SurveyRow row);

    void Spend(SpendRow row);

    void Contact(ContactRow row);

    void Deal(DealRow row);
}
