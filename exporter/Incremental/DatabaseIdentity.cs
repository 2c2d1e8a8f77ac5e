using SaasExporter.Database;

namespace SaasExporter.Incremental;

/// <summary>
/// Which database a snapshot of the activity index belongs to, and the shape of what it read: the cluster's system
/// identifier (pg_control_system(), executable by any role), the database's oid and the schema, and the columns of
/// the events relation. A restored or re-created database, or a migrated events relation, no longer matches.
/// </summary>
internal sealed record DatabaseIdentity(string Database, string EventColumns)
{
    private const string Sql = """
        SELECT (SELECT system_identifier FROM pg_control_system())::text || '/' || d.oid::text || '/' || current_schema() AS database,
               coalesce((SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_name)
                         FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = 'events'), '') AS event_columns
        FROM pg_database d
        WHERE d.datname = current_database()
        """;

    public static async Task<DatabaseIdentity> ReadAsync(IDbSession db, CancellationToken cancellationToken)
    {
        DatabaseIdentity? identity = null;
        await db.StreamAsync(Sql, null, row => identity = new DatabaseIdentity(row.GetString(0), row.GetString(1)), cancellationToken);
        return identity ?? throw new InvalidOperationException("the current database is not in pg_database");
    }
}
