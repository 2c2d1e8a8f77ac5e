using System.Diagnostics;
using Dapper;
using Npgsql;

namespace SaasExporter.Demo;

/// <summary>Creates the reference schema and fills it with generated data, showing progress on a terminal.</summary>
internal sealed class DemoSeeder(NpgsqlDataSource dataSource, string schema, TextWriter progress, bool interactive)
{
    public sealed record Summary(long Rows, long Events, TimeSpan Elapsed);

    /// <summary>Seeds, or returns null when the schema already holds data and <paramref name="ifEmpty"/> is set.</summary>
    public async Task<Summary?> SeedAsync(DemoParameters parameters, bool replace, CancellationToken cancellationToken, bool ifEmpty = false)
    {
        var stopwatch = Stopwatch.StartNew();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await DemoSchema.ApplyAsync(connection, schema, cancellationToken);
            var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM users) + (SELECT count(*) FROM events)", cancellationToken: cancellationToken));
            if (existing > 0 && ifEmpty && !replace)
            {
                return null;
            }

            if (existing > 0 && !replace)
            {
                throw new DemoException($"schema {schema} already holds data ({existing} accounts, users and events); pass --replace to empty it and seed again");
            }

            if (existing > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"TRUNCATE {string.Join(", ", DemoSchema.Tables)}", cancellationToken: cancellationToken));
            }
        }

        long rows, events;
        await using (var sink = CopySink.Open(dataSource))
        {
            using var reporter = interactive ? new Timer(_ => Report(sink, parameters, stopwatch), null, 1000, 1000) : null;
            await Task.Run(() => new DemoGenerator(parameters, sink).Run(), cancellationToken);
            await sink.CompleteAsync(cancellationToken);
            (rows, events) = (sink.Rows, sink.Events);
        }

        if (interactive)
        {
            progress.Write("\r\u001b[Kcreating indexes and analysing...");
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(DemoSchema.IndexSql, commandTimeout: 0, cancellationToken: cancellationToken));
        }

        if (interactive)
        {
            progress.Write("\r\u001b[K");
        }

        return new Summary(rows, events, stopwatch.Elapsed);
    }

    private void Report(CopySink sink, DemoParameters parameters, Stopwatch stopwatch)
    {
        var seconds = Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001);
        var rate = sink.Rows / seconds;
        var eventsLeft = Math.Max(0, parameters.ExpectedEvents - sink.Events);
        var left = sink.Events == 0 ? "?" : $"{eventsLeft / (sink.Events / seconds):F0} s";
        progress.Write($"\r\u001b[K{sink.Rows:N0} rows ({sink.Events:N0} events), {rate:N0} rows/s, about {left} left");
    }
}

/// <summary>A demo command cannot proceed; the message is the whole story.</summary>
internal sealed class DemoException(string message) : Exception(message);
