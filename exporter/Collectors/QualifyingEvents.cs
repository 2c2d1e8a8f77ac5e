namespace SaasExporter.Collectors;

/// <summary>
/// The rows that make a user active (README, Metrics served now): events in <c>(@after, @now]</c> whose name is not excluded,
/// of users and accounts that are not internal. Shared by every event-derived collector so the rule lives once.
/// </summary>
internal static class QualifyingEvents
{
    /// <summary>The event half of the rule, on <c>events e</c>: in the time range and not excluded.</summary>
    public const string EventPredicate = "e.occurred_at > @after AND e.occurred_at <= @now AND e.name <> ALL(@excluded)";

    /// <summary>
    /// The user half of the rule: users who are not internal, of accounts that are not internal, with their account
    /// and signup instant.
    /// Collectors that reduce events per user first join this afterwards: the join then sees one row per user and day
    /// instead of one per event, which is most of the cost on a large events table.
    /// </summary>
    public const string Users = """
        SELECT u.user_id, u.account_id, u.created_at
        FROM users u
        JOIN accounts a ON a.account_id = u.account_id
        WHERE NOT u.is_internal AND NOT a.is_internal
        """;

    public const string Sql = $"""
        SELECT e.user_id, q.account_id, e.occurred_at, e.feature, e.platform
        FROM events e
        JOIN ({Users}) q ON q.user_id = e.user_id
        WHERE {EventPredicate}
        """;
}
