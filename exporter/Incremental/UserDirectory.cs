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

    /// <summary>Every counted user with their account.</summary>
    public static async Task<List<(long User, long Account)>> CountedAsync(IDbSession db, CancellationToken cancellationToken)
    {
        var users = new List<(long, long)>();
        await db.StreamAsync(CountedSql, null, row => users.Add((row.GetInt64(0), row.GetInt64(1))), cancellationToken);
        return users;
    }
}
