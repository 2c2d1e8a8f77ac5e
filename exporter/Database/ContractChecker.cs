namespace SaasExporter.Database;

/// <summary>Compares the relations visible in the configured schema with <see cref="DatabaseContract"/>.</summary>
public static class ContractChecker
{
    private const string ColumnsSql = """
        SELECT c.table_name AS Relation, c.column_name AS ColumnName, c.data_type AS DataType
        FROM information_schema.columns c
        WHERE c.table_schema = @schema AND c.table_name = ANY(@relations)
        """;

    public sealed record Problem(string Relation, bool MissingRelation, string Message)
    {
        public override string ToString() => Message;
    }

    private sealed record ColumnRow(string Relation, string ColumnName, string DataType);

    public static async Task<IReadOnlyList<Problem>> CheckAsync(IDbSession db, string schema, IEnumerable<string> relationNames, CancellationToken cancellationToken)
    {
        var relations = relationNames.Select(DatabaseContract.Get).ToList();
        var rows = await db.QueryAsync<ColumnRow>(ColumnsSql, new { schema, relations = relations.Select(r => r.Name).ToArray() }, cancellationToken);
        var byRelation = rows.ToLookup(r => r.Relation);

        var problems = new List<Problem>();
        foreach (var relation in relations)
        {
            var columns = byRelation[relation.Name].ToDictionary(c => c.ColumnName, c => c.DataType);
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
