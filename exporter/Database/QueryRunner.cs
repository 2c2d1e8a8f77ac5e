using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;

namespace SaasExporter.Database;

internal sealed class QueryRunner(NpgsqlDataSource dataSource) : IQueryRunner
{
    public async Task<T> RunAsync<T>(TimeSpan statementTimeout, Func<IDbSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        // READ ONLY makes any write fail inside PostgreSQL itself; statement_timeout cancels a runaway query on the
        // server even if this process dies; TimeZone UTC makes interval arithmetic on timestamptz exact hours.
        var timeoutMs = ((long)Math.Ceiling(statementTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(new CommandDefinition(
            $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {timeoutMs}; SET LOCAL TimeZone = 'UTC'",
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
    }
}
