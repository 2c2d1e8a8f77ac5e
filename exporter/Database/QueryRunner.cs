using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using SaasExporter.Configuration;

namespace SaasExporter.Database;

internal sealed class QueryRunner(NpgsqlDataSource dataSource, IOptions<ExporterOptions> options) : IQueryRunner
{
    /// <summary>
    /// Longest wait for a lock (lock_timeout; the statement timeout if shorter). A poll reads tables, so it only waits
    /// behind DDL (a migration's ALTER TABLE); failing soon and trying at the next poll beats holding its other locks,
    /// and the application queries queued behind them, for the whole statement timeout.
    /// </summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Session state a rolled-back transaction leaves behind: session advisory locks taken by collector SQL, session
    /// settings and LISTEN registrations. Cleared before the connection goes back to the pool, where an idle connection
    /// would otherwise keep a lock an application or a migration waits for.
    /// </summary>
    private const string ResetSql = "SELECT pg_advisory_unlock_all(); RESET ALL; UNLISTEN *";

    private const int ResetTimeoutSeconds = 5;

    public async Task<T> RunAsync<T>(TimeSpan statementTimeout, Func<IDbSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

            // READ ONLY makes any write fail inside PostgreSQL itself; TimeZone UTC makes interval arithmetic on
            // timestamptz exact hours; work_mem keeps the per-user aggregations in memory (validated: digits and a
            // unit, nothing to escape). The timeouts are set before every statement (Session.ArmAsync).
            await connection.ExecuteAsync(new CommandDefinition(
                $"SET TRANSACTION READ ONLY; SET LOCAL TimeZone = 'UTC'; SET LOCAL work_mem = '{options.Value.Database.WorkMem}'",
                transaction: transaction, cancellationToken: cancellationToken));

            var commandTimeoutSeconds = (int)Math.Ceiling(statementTimeout.TotalSeconds) + 5;
            var lockTimeout = statementTimeout < LockTimeout ? statementTimeout : LockTimeout;
            var session = new Session(connection, transaction, Milliseconds(statementTimeout), Milliseconds(lockTimeout), commandTimeoutSeconds);
            var result = await work(session, cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return result;
        }
        finally
        {
            await ResetAsync(connection);
        }
    }

    private static string Milliseconds(TimeSpan span) =>
        ((long)Math.Ceiling(span.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs after the rollback, whatever the poll's outcome; a connection that cannot be reset is not pooled again.</summary>
    private static async Task ResetAsync(NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open)
        {
            return;
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(ResetSql, commandTimeout: ResetTimeoutSeconds));
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or IOException)
        {
            // The poll's outcome stands; only this connection (and the pool's idle ones) are not reused.
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private sealed class Session(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string statementTimeoutMs, string lockTimeoutMs, int commandTimeoutSeconds) : IDbSession
    {
        private string? _armed;

        public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
        {
            await ArmAsync(cancellationToken);
            var rows = await connection.QueryAsync<T>(Command(sql, parameters, cancellationToken));
            return rows.AsList();
        }

        public async Task StreamAsync(string sql, object? parameters, Action<IDataRecord> onRow, CancellationToken cancellationToken)
        {
            await ArmAsync(cancellationToken);
            var reader = await connection.ExecuteReaderAsync(Command(sql, parameters, cancellationToken));
            var refused = false;
            try
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    try
                    {
                        onRow(reader);
                    }
                    catch
                    {
                        refused = true;
                        throw;
                    }
                }
            }
            finally
            {
                await CloseAsync(reader, refused);
            }
        }

        public async Task<QueryShape> DescribeAsync(string sql, object? parameters, CancellationToken cancellationToken)
        {
            await ArmAsync(cancellationToken);
            // SchemaOnly sends Parse and Describe, never Execute: nothing in the text runs, yet every statement is
            // parsed and analysed by the server.
            await using var wrapped = await connection.ExecuteReaderAsync(Command(sql, parameters, cancellationToken), CommandBehavior.SchemaOnly);
            var reader = (NpgsqlDataReader)(wrapped is IWrappedDataReader dapper ? dapper.Reader : wrapped);
            // Npgsql splits the text into statements client side; the reader's statement list is the only public view of
            // that split. It is marked obsolete in favour of DbBatch, which would need the text split by hand.
#pragma warning disable CS0618
            var statements = reader.Statements.Count;
#pragma warning restore CS0618
            var columns = reader.FieldCount == 0 ? [] : (await reader.GetColumnSchemaAsync(cancellationToken)).Select(c => c.ColumnName).ToList();
            return new QueryShape(statements, columns);
        }

        private CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken) =>
            new(sql, parameters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken);

        /// <summary>
        /// Sets statement_timeout and lock_timeout for the transaction before each statement, and checks they took:
        /// collector SQL may change either (set_config) for the statements after it, and a statement without a server
        /// timeout would outlive a killed exporter. A statement cannot undo its own timeout, armed when it starts.
        /// </summary>
        private async Task ArmAsync(CancellationToken cancellationToken)
        {
            var armed = await connection.QuerySingleAsync<string>(new CommandDefinition(
                "SELECT set_config('statement_timeout', @statement, true) || ' ' || set_config('lock_timeout', @lockWait, true)",
                new { statement = statementTimeoutMs, lockWait = lockTimeoutMs }, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken));
            _armed ??= armed;
            if (armed != _armed || armed.Split(' ').Contains("0"))
            {
                throw new InvalidOperationException(
                    $"statement_timeout and lock_timeout did not take (server reports '{armed}', first set '{_armed}'); the poll stops");
            }
        }

        /// <summary>
        /// Closing a reader reads the rest of its rows. When the caller refused a row (a row cap), the query is cancelled
        /// on the server first, so millions of unread rows are not fetched only to be discarded.
        /// </summary>
        private static async Task CloseAsync(DbDataReader reader, bool refused)
        {
            try
            {
                if (refused && reader is IWrappedDataReader { Command: NpgsqlCommand command })
                {
                    command.Cancel();
                }

                await reader.DisposeAsync();
            }
            catch (PostgresException cancelled) when (refused && cancelled.SqlState == PostgresErrorCodes.QueryCanceled)
            {
                // The cancellation asked for above; the caller's own exception is the poll's failure.
            }
        }
    }
}
