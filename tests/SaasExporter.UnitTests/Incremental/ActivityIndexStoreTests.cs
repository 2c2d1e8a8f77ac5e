using System.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Events.Resurrection;
using SaasExporter.Incremental;
using SaasExporter.Publishing;

namespace SaasExporter.UnitTests.Incremental;

public sealed class ActivityIndexStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadAsync_LoadsOnce_ThenRebuildsOnlyAfterTheRebuildInterval()
    {
        var time = new FakeTimeProvider(Now);
        var runner = new CountingRunner();
        using var store = Store(runner, time);

        Assert.Equal(Now, await store.ReadAsync(Now, new EmptySession(), v => Task.FromResult(v.Now), CancellationToken.None));
        await store.ReadAsync(Now.AddMinutes(1), new EmptySession(), v => Task.FromResult(0), CancellationToken.None);
        Assert.Equal(1, runner.Loads);
        Assert.Equal(TimeSpan.FromMinutes(15), runner.LastTimeout);

        time.Advance(TimeSpan.FromHours(24));
        await store.ReadAsync(Now.AddHours(24), new EmptySession(), v => Task.FromResult(0), CancellationToken.None);
        await runner.WaitForLoadsAsync(2);
        await store.ReadAsync(Now.AddHours(24).AddMinutes(1), new EmptySession(), v => Task.FromResult(0), CancellationToken.None);
        Assert.Equal(2, runner.Loads);
    }

    [Fact]
    public async Task ReadAsync_WhenTheFirstLoadFails_FailsWithItsErrorAndRetriesAtTheNextPoll()
    {
        var runner = new CountingRunner { Fail = true };
        using var store = Store(runner, new FakeTimeProvider(Now));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.ReadAsync(Now, new EmptySession(), v => Task.FromResult(0), CancellationToken.None));
        Assert.Equal("load failed", error.Message);
        Assert.Equal(0, runner.Loads);

        runner.Fail = false;
        Assert.Equal(7, await store.ReadAsync(Now, new EmptySession(), v => Task.FromResult(7), CancellationToken.None));
        Assert.Equal(1, runner.Loads);
    }

    [Fact]
    public async Task ReadAsync_WhileTheFirstLoadRunsLongerThanTheWait_FailsAtOnceWithItsProgress_ThenServesOnceLoaded()
    {
        var time = new FakeTimeProvider(Now);
        var runner = new CountingRunner { HoldChunks = true };
        using var store = Store(runner, time);
        store.LoadWait = ActivityIndexStore.ServeLoadWait;

        var poll = store.ReadAsync(Now, new EmptySession(), v => Task.FromResult(1), CancellationToken.None);
        await runner.WaitForLoadsAsync(1);
        for (var i = 0; i < 500 && !poll.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        // No event is older than the recent history, which is read in 7-day chunks.
        var options = new ExporterOptions();
        options.ApplyDefaults();
        var chunks = (int)Math.Ceiling(IndexLoader.DetailedHistory(options, [ResurrectionDefinition.Family]) / TimeSpan.FromDays(7));
        var error = await Assert.ThrowsAsync<IndexLoadingException>(() => poll);
        Assert.StartsWith($"the activity index is loading: 0% (0 of {chunks} chunks)", error.Message, StringComparison.Ordinal);
        Assert.Equal(new IndexLoadStatus(Serving: false, Loading: true, Completed: 0, Chunks: chunks, Remaining: null, Users: 0), store.Status);

        runner.Release();
        Assert.Equal(2, await store.ReadAsync(Now.AddMinutes(1), new EmptySession(), v => Task.FromResult(2), CancellationToken.None));
        Assert.Equal(new IndexLoadStatus(Serving: true, Loading: false, Completed: chunks, Chunks: chunks, Remaining: null, Users: 0), store.Status);
        Assert.Equal(1, runner.Loads);
    }

    private static ActivityIndexStore Store(IQueryRunner runner, TimeProvider time)
    {
        var options = new ExporterOptions();
        options.ApplyDefaults();
        return new ActivityIndexStore(runner, Options.Create(options), [ResurrectionDefinition.Family], new SelfMetrics(Metrics.NewCustomRegistry()), time,
            NullLogger<ActivityIndexStore>.Instance);
    }

    /// <summary>Counts full loads by their planning statement (each load is a plan and then one session per chunk).</summary>
    private sealed class CountingRunner : IQueryRunner
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _loads;

        public bool Fail { get; set; }

        /// <summary>Chunks wait for <see cref="Release"/>: a load that takes as long as the test wants.</summary>
        public bool HoldChunks { get; init; }

        public int Loads => Volatile.Read(ref _loads);

        public TimeSpan LastTimeout { get; private set; }

        public void Release() => _released.TrySetResult();

        public async Task<T> RunAsync<T>(TimeSpan statementTimeout, Func<IDbSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        {
            LastTimeout = statementTimeout;
            if (Fail)
            {
                throw new InvalidOperationException("load failed");
            }

            return await work(new EmptySession(this), cancellationToken);
        }

        public void Planned() => Interlocked.Increment(ref _loads);

        public Task ChunkAsync() => HoldChunks ? _released.Task : Task.CompletedTask;

        public async Task WaitForLoadsAsync(int loads)
        {
            for (var i = 0; i < 500 && Loads < loads; i++)
            {
                await Task.Delay(10);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A database with no events: today is day 9800 and every stream is empty.</summary>
    private sealed class EmptySession(CountingRunner? runner = null) : IDbSession
    {
        public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<T>>([(T)(object)9800]);

        public Task<IReadOnlyList<IDictionary<string, object?>>> QueryRowsAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<QueryShape> DescribeAsync(string sql, object? parameters, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task StreamAsync(string sql, object? parameters, Action<IDataRecord> onRow, CancellationToken cancellationToken)
        {
            if (sql == IndexLoader.OldestSql)
            {
                runner?.Planned();
                return Task.CompletedTask;
            }

            return runner?.ChunkAsync() ?? Task.CompletedTask;
        }
    }
}
