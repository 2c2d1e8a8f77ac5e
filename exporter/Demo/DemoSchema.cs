using System.Reflection;
using Dapper;
using Npgsql;

namespace SaasExporter.Demo;

/// <summary>The reference schema's SQL (embedded resources beside this file).</summary>
internal static class DemoSchema
{
    public static readonly string[] Tables =
        ["accounts", "users", "events", "subscriptions", "tickets", "survey_responses", "marketing_spend", "contacts", "deals"];

    public static string TableSql => Read("schema");

    public static string IndexSql => Read("indexes");

    public static async Task ApplyAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition($"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(TableSql, cancellationToken: cancellationToken));
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"SaasExporter.Demo.{name}.sql")
            ?? throw new InvalidOperationException($"embedded {name}.sql is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
