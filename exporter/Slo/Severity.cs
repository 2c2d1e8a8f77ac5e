namespace SaasExporter.Slo;

/// <summary>An alert tier's severity; Alertmanager routes on its lower-case text (page, ticket).</summary>
public enum Severity
{
    Page,
    Ticket,
}

/// <summary>The label text of a <see cref="Severity"/>.</summary>
public static class Severities
{
    public static Severity? Parse(string? text) => text switch
    {
        "page" => Severity.Page,
        "ticket" => Severity.Ticket,
        _ => null,
    };

    public static string Text(this Severity severity) => severity switch
    {
        Severity.Page => "page",
        Severity.Ticket => "ticket",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };
}
