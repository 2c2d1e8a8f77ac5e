namespace SaasExporter.Database;

/// <summary>The relations the exporter reads (docs/contract.md, Relations), with the column types it accepts.</summary>
public static class DatabaseContract
{
    public enum ColumnKind { Integer, Timestamptz, Text, Boolean, Numeric, Date }

    /// <summary>One column; <paramref name="Nullable"/> when NULL is a meaning of its own (not yet, unknown), as docs/contract.md's null column says.</summary>
    public sealed record Column(string Name, ColumnKind Kind, bool Nullable = false);

    public sealed record Relation(string Name, bool Optional, IReadOnlyList<Column> Columns);

    public static readonly IReadOnlyList<Relation> Relations =
    [
        new("accounts", false, [new("account_id", ColumnKind.Integer), new("created_at", ColumnKind.Timestamptz), new("is_internal", ColumnKind.Boolean)]),
        new("users", false,
        [
            new("user_id", ColumnKind.Integer), new("account_id", ColumnKind.Integer), new("created_at", ColumnKind.Timestamptz),
            new("activated_at", ColumnKind.Timestamptz, Nullable: true), new("onboarding_completed_at", ColumnKind.Timestamptz, Nullable: true),
            new("is_internal", ColumnKind.Boolean),
        ]),
        new("events", false,
        [
            new("user_id", ColumnKind.Integer), new("occurred_at", ColumnKind.Timestamptz), new("name", ColumnKind.Text),
            new("feature", ColumnKind.Text, Nullable: true), new("platform", ColumnKind.Text, Nullable: true),
        ]),
        new("subscriptions", true,
        [
            new("subscription_id", ColumnKind.Integer), new("account_id", ColumnKind.Integer), new("plan", ColumnKind.Text),
            new("billing_interval", ColumnKind.Text), new("mrr", ColumnKind.Numeric), new("is_trial", ColumnKind.Boolean),
            new("valid_from", ColumnKind.Timestamptz), new("valid_to", ColumnKind.Timestamptz, Nullable: true),
        ]),
        new("tickets", true,
        [
            new("ticket_id", ColumnKind.Integer), new("account_id", ColumnKind.Integer), new("created_at", ColumnKind.Timestamptz),
            new("first_response_at", ColumnKind.Timestamptz, Nullable: true), new("resolved_at", ColumnKind.Timestamptz, Nullable: true), new("priority", ColumnKind.Text, Nullable: true),
        ]),
        new("survey_responses", true,
        [
            new("user_id", ColumnKind.Integer), new("account_id", ColumnKind.Integer), new("survey", ColumnKind.Text),
            new("score", ColumnKind.Integer), new("responded_at", ColumnKind.Timestamptz),
        ]),
        new("marketing_spend", true,
            [new("period_start", ColumnKind.Date), new("period_end", ColumnKind.Date), new("amount", ColumnKind.Numeric)]),
    ];

    public static Relation Get(string name) => Relations.Single(r => r.Name == name);

    /// <summary>PostgreSQL type names (information_schema data_type) accepted for each kind.</summary>
    public static bool Accepts(ColumnKind kind, string dataType) => kind switch
    {
        ColumnKind.Integer => dataType is "bigint" or "integer" or "smallint",
        ColumnKind.Timestamptz => dataType is "timestamp with time zone",
        ColumnKind.Text => dataType is "text" or "character varying" or "character",
        ColumnKind.Boolean => dataType is "boolean",
        ColumnKind.Numeric => dataType is "numeric" or "bigint" or "integer" or "smallint" or "double precision" or "real",
        ColumnKind.Date => dataType is "date",
        _ => false,
    };

    public static string Describe(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => "bigint (or integer)",
        ColumnKind.Timestamptz => "timestamptz (timestamp without time zone is ambiguous: convert it in a view)",
        ColumnKind.Text => "text",
        ColumnKind.Boolean => "boolean",
        ColumnKind.Numeric => "numeric",
        ColumnKind.Date => "date",
        _ => kind.ToString(),
    };
}
