using System.Net.Sockets;
using Npgsql;
using Polly.CircuitBreaker;

namespace SaasExporter.Polling;

/// <summary>Classifies exceptions: which mean the database cannot be reached, and which are worth a retry.</summary>
internal static class DatabaseFailures
{
    /// <summary>The server could not be reached or dropped us, as opposed to a query error on a live server.</summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        BrokenCircuitException => true,
        _ when IsPoolExhausted(exception) => false,
        PostgresException pg => IsConnectionState(pg.SqlState),
        NpgsqlException { InnerException: not null } npgsql when npgsql.InnerException is not PostgresException =>
            npgsql.InnerException is SocketException or IOException or TimeoutException || npgsql.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient,
        SocketException or IOException => true,
        _ => exception.InnerException is not null && IsUnreachable(exception.InnerException),
    };

    /// <summary>
    /// Retry only what a second attempt can fix: a lost or refused connection, or a hot standby's recovery conflict.
    /// Query errors and statement timeouts are not retried, because repeating a slow query only doubles the load on
    /// the product database.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is not BrokenCircuitException && (IsUnreachable(exception) || IsRecoveryConflict(exception));

    /// <summary>
    /// A hot standby cancelled the poll because replaying the primary's changes conflicted with its snapshot
    /// (<c>max_standby_streaming_delay</c> ran out). The exporter's read-only repeatable-read transactions fail with a
    /// serialization failure or deadlock only this way. The database is up, and a new snapshot succeeds, so it is
    /// retried and never counted against the database (docs/high-availability.md).
    /// </summary>
    public static bool IsRecoveryConflict(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        _ => exception.InnerException is not null && IsRecoveryConflict(exception.InnerException),
    };

    /// <summary>
    /// Every connection of the exporter's own pool is in use: a shortage on this side, not a database outage. It must
    /// neither report database_up 0 nor open the breaker, which would fail the collectors that do have a connection.
    /// </summary>
    public static bool IsPoolExhausted(Exception exception) =>
        exception is NpgsqlException { InnerException: TimeoutException } npgsql
        && npgsql.Message.StartsWith("The connection pool has been exhausted", StringComparison.Ordinal);

    // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections.
    private static bool IsConnectionState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" or "53300";
}
