using Npgsql;
using Polly.CircuitBreaker;

namespace SaasExporter.Polling;

/// <summary>One readable line for a failed poll (status page, logs, stderr of <c>once</c>).</summary>
internal static class FailureText
{
    public static string Of(Exception exception) => exception switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        BrokenCircuitException { InnerException: { } inner } => $"database unreachable, circuit open for now: {Of(inner)}",
        BrokenCircuitException => "database unreachable, circuit open after repeated connection failures",
        NpgsqlException { InnerException: { } inner } npgsql => $"{FirstLine(npgsql.Message)} ({FirstLine(inner.Message)})",
        _ => FirstLine(exception.Message),
    };

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
