using System.Text;

namespace SaasExporter.Database;

/// <summary>
/// The CREATE VIEW statements <c>saas-exporter check --skeletons</c> prints for the contract relations a schema lacks:
/// every column of <see cref="DatabaseContract"/> as a typed NULL placeholder, so that the skeleton, run unedited,
/// already satisfies the contract and the user only replaces expressions and the FROM clause (docs/contract.md,
/// "Views for what check cannot find").
/// </summary>
public static class ContractSkeleton
{
    /// <summary>The PostgreSQL type a placeholder is cast to: one that <see cref="DatabaseContract.Accepts"/> takes.</summary>
    public static string PlaceholderType(DatabaseContract.ColumnKind kind) => kind switch
    {
        DatabaseContract.ColumnKind.Integer => "bigint",
        DatabaseContract.ColumnKind.Timestamptz => "timestamptz",
        DatabaseContract.ColumnKind.Text => "text",
        DatabaseContract.ColumnKind.Boolean => "boolean",
        DatabaseContract.ColumnKind.Numeric => "numeric",
        DatabaseContract.ColumnKind.Date => "date",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no placeholder type"),
    };

    /// <summary>
    /// A script for <paramref name="relations"/> in <paramref name="schema"/>, granting read access to
    /// <paramref name="role"/>. Schema and role are identifiers already quoted for SQL (PostgreSQL's quote_ident).
    /// </summary>
    public static string Script(IEnumerable<DatabaseContract.Relation> relations, string schema, string role)
    {
        var sql = new StringBuilder();
        sql.AppendLine($"-- Views for the contract relations missing from schema {schema} (docs/contract.md, Relations).");
        sql.AppendLine("-- Replace each NULL placeholder with an expression over your tables, and the FROM clause with those tables;");
        sql.AppendLine("-- keep every column's name and type. Run it as the owner of your tables. The grants are for the role check");
        sql.AppendLine("-- connected as; give them to the exporter's role if that is another one.");
        sql.AppendLine($"GRANT USAGE ON SCHEMA {schema} TO {role};");
        foreach (var relation in relations)
        {
            sql.AppendLine();
            AppendView(sql, relation, schema, role);
        }

        return sql.ToString();
    }

    private static void AppendView(StringBuilder sql, DatabaseContract.Relation relation, string schema, string role)
    {
        sql.AppendLine($"-- {relation.Name} ({(relation.Optional ? "optional: without it the collectors that read it are disabled" : "required")})");
        sql.AppendLine($"CREATE VIEW {schema}.{relation.Name} AS");
        sql.AppendLine("SELECT");
        for (var i = 0; i < relation.Columns.Count; i++)
        {
            var column = relation.Columns[i];
            var separator = i < relation.Columns.Count - 1 ? "," : "";
            var nullability = column.Nullable ? "NULL allowed" : "required, never NULL";
            sql.AppendLine($"    NULL::{PlaceholderType(column.Kind)} AS {column.Name}{separator}  -- {nullability}: {DatabaseContract.Describe(column.Kind)}");
        }

        sql.AppendLine("FROM (VALUES (NULL)) AS your_tables (placeholder)  -- your tables and joins");
        sql.AppendLine("WHERE false;  -- your conditions: false keeps the unedited view empty");
        sql.AppendLine($"GRANT SELECT ON {schema}.{relation.Name} TO {role};");
    }
}
