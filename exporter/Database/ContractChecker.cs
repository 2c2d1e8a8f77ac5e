namespace SaasExporter.Database;

/// <summary>
/// Compares the relations visible in the configured schema with <see cref="DatabaseContract"/>, and warns when the
/// exporter's role can do more than read them.
/// </summary>
public static class ContractChecker
{
    private const string ColumnsSql = """
        SELECT c.table_name AS Relation, c.column_name AS ColumnName, c.data_type AS DataType
        FROM information_schema.columns c
        WHERE c.table_schema = @schema AND c.table_name = ANY(@relations)
        """;

    /// <summary>
    /// Contract relations that exist but that the role cannot read: information_schema hides them as if they were
    /// missing, while the fix is a GRANT (a view recreated with CREATE OR REPLACE keeps its grants, a dropped and
    /// recreated one loses them).
    /// </summary>
    private const string UnreadableSql = """
        SELECT c.relname::text AS Relation, current_user::text AS Role, has_schema_privilege(n.oid, 'USAGE') AS SchemaUsage
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @schema AND c.relname = ANY(@relations) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND NOT (has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'))
        """;

    private sealed record UnreadableRow(string Relation, string Role, bool SchemaUsage);

    /// <summary>
    /// Predefined roles whose members READ ONLY does not contain (server files, programs, other sessions, every
    /// table), and the superuser-like roles of managed PostgreSQL services, where they exist.
    /// </summary>
    public static readonly IReadOnlyList<string> DangerousRoles =
    [
        "pg_read_server_files", "pg_write_server_files", "pg_execute_server_program", "pg_signal_backend",
        "pg_read_all_data", "pg_write_all_data", "pg_checkpoint", "pg_create_subscription",
        "rds_superuser", "azure_pg_admin", "cloudsqlsuperuser", "alloydbsuperuser",
    ];

    private const string PrivilegesSql = """
        SELECT r.rolname::text AS Role, r.rolsuper AS Superuser, r.rolbypassrls OR r.rolreplication OR r.rolcreaterole AS Administrative,
               coalesce((SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM pg_roles g
                         WHERE g.rolname = ANY(@dangerous) AND pg_has_role(r.oid, g.oid, 'MEMBER')), '') AS MemberOf,
               coalesce((SELECT string_agg(format('%s.%s', n.nspname, c.relname), ', ' ORDER BY c.relname)
                         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = @schema AND c.relname = ANY(@relations)
                           AND has_table_privilege(r.oid, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')), '') AS Writable
        FROM pg_roles r
        WHERE r.rolname = current_user
        """;

    private sealed record PrivilegeRow(string Role, bool Superuser, bool Administrative, string MemberOf, string Writable);

    /// <summary>
    /// One line when the exporter's role can do more than read the contract relations: a superuser (for whom READ
    /// ONLY is no sandbox), a role that can write a contract relation, or a member of a <see cref="DangerousRoles"/>
    /// role; null for a least-privilege role. Advice, not a contract problem: the exporter still runs.
    /// </summary>
    public static async Task<string?> CheckPrivilegesAsync(IDbSession db, string schema, IEnumerable<string> relationNames, CancellationToken cancellationToken)
    {
        var row = (await db.QueryAsync<PrivilegeRow>(PrivilegesSql,
            new { schema, relations = relationNames.ToArray(), dangerous = DangerousRoles.ToArray() }, cancellationToken)).Single();
        var reasons = new List<string>();
        if (row.Superuser)
        {
            reasons.Add("is a superuser, for whom READ ONLY is no sandbox (collector SQL can read server files, end sessions, write through dblink)");
        }
        else
        {
            if (row.Writable.Length > 0)
            {
                reasons.Add($"can write {row.Writable}");
            }

            if (row.MemberOf.Length > 0)
            {
                reasons.Add($"is a member of {row.MemberOf}");
            }

            if (row.Administrative)
            {
                reasons.Add("has CREATEROLE, REPLICATION or BYPASSRLS");
            }
        }

        return reasons.Count == 0 ? null
            : $"database role '{row.Role}' {string.Join("; ", reasons)}: connect as a least-privilege role (exporter/Database/exporter-role.sql, docs/security.md)";
    }

    public sealed record Problem(string Relation, bool MissingRelation, string Message)
    {
        /// <summary>An optional relation is absent: the collectors that read it are switched off, nothing is wrong.</summary>
        public bool OptionalMissing => MissingRelation && DatabaseContract.Get(Relation).Optional;

        public override string ToString() => Message;
    }

    private sealed record ColumnRow(string Relation, string ColumnName, string DataType);

    public static async Task<IReadOnlyList<Problem>> CheckAsync(IDbSession db, string schema, IEnumerable<string> relationNames, CancellationToken cancellationToken)
    {
        var relations = relationNames.Select(DatabaseContract.Get).ToList();
        var rows = await db.QueryAsync<ColumnRow>(ColumnsSql, new { schema, relations = relations.Select(r => r.Name).ToArray() }, cancellationToken);
        var byRelation = rows.ToLookup(r => r.Relation);

        var unseen = relations.Where(r => !byRelation[r.Name].Any()).Select(r => r.Name).ToArray();
        var unreadable = unseen.Length == 0 ? new Dictionary<string, UnreadableRow>()
            : (await db.QueryAsync<UnreadableRow>(UnreadableSql, new { schema, relations = unseen }, cancellationToken)).ToDictionary(u => u.Relation);

        var problems = new List<Problem>();
        foreach (var relation in relations)
        {
            var columns = byRelation[relation.Name].ToDictionary(c => c.ColumnName, c => c.DataType);
            if (unreadable.TryGetValue(relation.Name, out var denied))
            {
                // Present but unreadable is a mistake to fix, not an optional relation to switch off quietly.
                var grant = denied.SchemaUsage ? $"GRANT SELECT ON {schema}.{relation.Name} TO {denied.Role}" : $"GRANT USAGE ON SCHEMA {schema} TO {denied.Role}";
                problems.Add(new Problem(relation.Name, false,
                    $"relation {schema}.{relation.Name}: exists, but role '{denied.Role}' may not read it: {grant} (or run exporter/Database/exporter-role.sql again)"));
                continue;
            }

            if (columns.Count == 0)
            {
                problems.Add(new Problem(relation.Name, true,
                    $"relation {schema}.{relation.Name}: missing{(relation.Optional ? " (optional: collectors that need it are disabled)" : "")}; create it or a view with that name"));
                continue;
            }

            foreach (var column in relation.Columns)
            {
                if (!columns.TryGetValue(column.Name, out var type))
                {
                    problems.Add(new Problem(relation.Name, false, $"column {schema}.{relation.Name}.{column.Name}: missing (expected {DatabaseContract.Describe(column.Kind)})"));
                }
                else if (!DatabaseContract.Accepts(column.Kind, type))
                {
                    problems.Add(new Problem(relation.Name, false, $"column {schema}.{relation.Name}.{column.Name}: type {type}, expected {DatabaseContract.Describe(column.Kind)}"));
                }
            }
        }

        return problems;
    }
}
