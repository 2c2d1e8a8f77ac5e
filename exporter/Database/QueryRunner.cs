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
    public async Task<T> RunAsync<T>(TimeSpan statementTimeout, Func<IDbSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        // READ ONLY makes any write fail inside PostgreSQL itself; statement_timeout cancels a runaway query on the
        // server even if this process dies; TimeZone UTC makes interval arithmetic on timestamptz exact hours;
        // work_mem keeps the per-user aggregations in memory (validated: digits and a unit, nothing to escape).
        var timeoutMs = ((long)Math.Ceiling(statementTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(new CommandDefinition(
            $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {timeoutMs}; SET LOCAL TimeZone = 'UTC'; SET LOCAL work_mem = '{options.Value.Database.WorkMem}'",
            transaction: transaction, cancellationToken: cancellationToken));

        var commandTimeoutSeconds = (int)Math.Ceiling(statementTimeout.TotalSeconds) + 5;
        var result = await work(new Session(connection, transaction, commandTimeoutSeconds), cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        return result;
    }

    private sealed class Session(NpgsqlConnection connection, NpgsqlTransaction transaction, int commandTimeoutSeconds) : IDbSession
    {
        public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
        {
            var rows = await connection.QueryAsync<T>(new CommandDefinition(
                sql, parameters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken));
            return rows.AsList();
        }

        public async Task StreamAsync(string sql, object? parameters, Action<IDataRecord> onRow, CancellationToken cancellationToken)
        {
            var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                sql, parameters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken));
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
            // SchemaOnly sends Parse and Describe, never Execute: nothing in the text runs, yet every statement is
            // parsed and analysed by the server.
            await using var wrapped = await connection.ExecuteReaderAsync(new CommandDefinition(
                sql, parameters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken), CommandBehavior.SchemaOnly);
            var reader = (NpgsqlDataReader)(wrapped is IWrappedDataReader dapper ? dapper.Reader : wrapped);
            // Npgsql splits the text into statements client side; the reader's statement list is the only public view of
            // that split. It is marked obsolete in favour of DbBatch, which would need the text split by hand.
#pragma warning disable CS0618
            var statements = reader.Statements.Count;
#pragma warning restore CS0618
            var columns = reader.FieldCount == 0 ? [] : (await reader.GetColumnSchemaAsync(cancellationToken)).Select(c => c.ColumnName).ToList();
            return new QueryShape(statements, columns);
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
