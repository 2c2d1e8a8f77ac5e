namespace SaasExporter.Collectors;

/// <summary>
/// The rows that make a user active (METRICS.md section 1): events in <c>(@after, @now]</c> whose name is not excluded,
/// of users and accounts that are not internal. Shared by every event-derived collector so the rule lives once.
/// </summary>
internal static class QualifyingEvents
{
    public const string Sql = """
        SELECT e.user_id, u.account_id, e.occurred_at, e.feature, e.platform
        FROM events e
        JOIN users u ON u.user_id = e.user_id
        JOIN accounts a ON a.account_id = u.account_id
        WHERE e.occurred_at > @after AND e.occurred_at <= @now
          AND NOT u.is_internal AND NOT a.is_internal
          AND e.name <> ALL(@excluded)
        """;
}
