using System.Data;
using SaasExporter.Database;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>
/// A query-runner seam around the real runner: records the (after, until] range of every chunk statement of a full
/// load it lets through, and fails the session of one chosen chunk (counted from 1) before it reaches the database,
/// as a statement timeout would.
/// </summary>
internal sealed class ChunkRecordingRunner(IQueryRunner inner) : IQueryRunner
{
    private readonly List<(DateTimeOffset After, DateTimeOffset Until)> _read = [];
    private int _chunks;

    /// <summary>The chunk whose session fails (0: none); cleared once it has failed.</summary>
    public int FailChunk { get; set; }

    public IReadOnlyList<(DateTimeOffset After, DateTimeOffset Until)> Read
    {
        get
        {
            lock (_read)
            {
                return [.. _read];
            }
        }
    }

    public Task<T> RunAsync<T>(TimeSpan statementTimeout, Func<IDbSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        inner.RunAsync(statementTimeout, (db, ct) => work(new Session(db, this), ct), cancellationToken);

    private void Chunk(object parameters)
    {
        var type = parameters.GetType();
        var after = (DateTimeOffset)type.GetProperty("after")!.GetValue(parameters)!;
        var until = (DateTimeOffset)(type.GetProperty("until") ?? type.GetProperty("now")!).GetValue(parameters)!;
        lock (_read)
        {
            if (++_chunks == FailChunk)
            {
                FailChunk = 0;
                throw new TimeoutException($"chunk {_chunks} ({after:O} to {until:O}) failed on purpose");
            }

            _read.Add((after, until));
        }
    }

    private sealed class Session(IDbSession inner, ChunkRecordingRunner owner) : IDbSession
    {
        public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
            inner.QueryAsync<T>(sql, parameters, cancellationToken);

        public Task<QueryShape> DescribeAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
            inner.DescribeAsync(sql, parameters, cancellationToken);

        public Task StreamAsync(string sql, object? parameters, Action<IDataRecord> onRow, CancellationToken cancellationToken)
        {
            if (parameters?.GetType().GetProperty("after") is not null)
            {
                owner.Chunk(parameters);
            }

            return inner.StreamAsync(sql, parameters, onRow, cancellationToken);
        }
    }
}
