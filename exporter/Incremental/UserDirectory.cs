using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Incremental;

/// <summary>
/// The users the metrics may count, re-read at every poll because internal flags and account membership can change
/// and the users and accounts relations are small next to events. Users missing here (internal, or of an unknown
/// account) are never counted, exactly as the SQL collectors' joins exclude them.
/// </summary>
internal static class UserDirectory
{
    // The user half of the qualifying-event rule, shared with the SQL collectors so the two paths cannot drift.
    private const string CountedSql = QualifyingEvents.Users;

    private const string SignupsSql = """
        SELECT u.user_id, ((u.created_at AT TIME ZONE @tz)::date - DATE '2000-01-01') AS d0
        FROM users u
        JOIN accounts a ON a.account_id = u.account_id
        WHERE NOT u.is_internal AND NOT a.is_internal
          AND u.created_at > @now - @history AND u.created_at <= @now
        """;

    /// <summary>Every counted user with their account.</summary>
    public static async Task<List<(long User, long Account)>> CountedAsync(IDbSession db, CancellationToken cancellationToken)
    {
        var users = new List<(long, long)>();
        await db.StreamAsync(CountedSql, null, row => users.Add((row.GetInt64(0), row.GetInt64(1))), cancellationToken);
        return users;
    }

    /// <summary>Counted users who signed up in (now - history, now], with their signup day (days since 2000-01-01).</summary>
    public static async Task<List<(long User, int Day)>> SignupsAsync(
        IDbSession db, DateTimeOffset now, TimeSpan history, string tz, CancellationToken cancellationToken)
    {
        var users = new List<(long, int)>();
        await db.StreamAsync(SignupsSql, new { now, history, tz }, row => users.Add((row.GetInt64(0), row.GetInt32(1))), cancellationToken);
        return users;
    }
}
