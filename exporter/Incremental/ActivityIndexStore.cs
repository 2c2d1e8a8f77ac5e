using Microsoft.Extensions.Options;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Events;
using SaasExporter.Logging;
using SaasExporter.Publishing;

namespace SaasExporter.Incremental;

/// <summary>
/// Owns the one activity index of the process. The first poll that needs it starts the full load in the background,
/// in chunks of EventMetrics:LoadChunkSpan, each its own read-only session under EventMetrics:LoadTimeout, and waits
/// for it (the serving exporter at most <see cref="ServeLoadWait"/>, see <see cref="LoadWait"/>). No index-backed collector succeeds, and
/// /readyz stays unready, until the index is loaded; a failed load resumes after its last finished chunk. Each poll
/// then catches the index up in its own snapshot and computes from it, one poll at a time. After
/// EventMetrics:RebuildInterval of wall-clock time a fresh index is built in the background while the old one keeps
/// serving, and replaces it when complete.
/// </summary>
internal sealed class ActivityIndexStore(
    IQueryRunner runner,
    IOptions<ExporterOptions> options,
    IEnumerable<EventFamily> families,
    SelfMetrics self,
    TimeProvider time,
    ILogger<ActivityIndexStore> logger) : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>How long a poll of the serving exporter waits for a running first load (<see cref="LoadWait"/>).</summary>
    public static readonly TimeSpan ServeLoadWait = TimeSpan.FromSeconds(10);

    private readonly Lock _sync = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ActivityIndex? _current;
    private DateTimeOffset _nextBuild;
    private Task<ActivityIndex>? _building;
    private IndexLoad? _load;
    private long _attemptStarted;
    private int _attemptFirstChunk;
    private bool _snapshotTried;
    private SnapshotHeader? _snapshotHeader;
    private DateTimeOffset _lastSnapshot;

    private ExporterOptions Options => options.Value;

    /// <summary>
    /// Longest a poll waits for a running first load before it fails with the load's progress (by default until the
    /// load ends or the poll times out). The serving exporter bounds it: a poll holds one of the few poll slots while it
    /// waits, so during a long load the collectors that do not read the index would wait behind the event families.
    /// After each wait the poll keeps waiting only while the load is estimated to end within three more; otherwise it
    /// fails with the load's progress and the scheduler polls it again 30 s later.
    /// </summary>
    public TimeSpan LoadWait { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Catches the index up to <paramref name="now"/> inside the poll's session and computes from it (reading the small
    /// relations in the same session). The view's instant is <paramref name="now"/>, or the index's watermark in the
    /// rare case a rebuild started by a later poll finished first (never more than the lateness allowance ahead).
    /// </summary>
    public async Task<T> ReadAsync<T>(DateTimeOffset now, IDbSession db, Func<IndexView, Task<T>> compute, CancellationToken cancellationToken)
    {
        while (Promote(now) is { } pending)
        {
            // The outcome, success or failure, is taken by the next Promote.
            await ((Task)pending).WaitAsync(LoadWait, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the activity index is still loading; the collector serves once it is loaded", cancellationToken);
            }

            // A load estimated to end soon is waited for (a failed poll comes back only 30 s later); a long one is not.
            if (!pending.IsCompleted && !(Status.Remaining is { } left && left <= LoadWait * 3))
            {
                throw new IndexLoadingException(Status);
            }
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            ActivityIndex index;
            lock (_sync)
            {
                index = _current!;
            }

            if (now < index.Watermark)
            {
                if (index.Watermark - now > Options.EventMetrics.Lateness)
                {
                    throw new InvalidOperationException(
                        $"evaluation instant {now:O} is before the activity index watermark {index.Watermark:O} (clock moved back?); rebuilding");
                }

                now = index.Watermark;
            }

            await IndexLoader.CatchUpAsync(db, index, now, Options, cancellationToken);
            if (time.GetUtcNow() - _lastSnapshot >= Options.EventMetrics.SnapshotInterval)
            {
                WriteSnapshot(index);
            }

            self.IndexUsers.Set(index.Count);
            self.IndexBytes.Set(index.Bytes);
            var today = await IndexLoader.TodayAsync(db, now, Options.ReportingTimeZone, cancellationToken);
            return await compute(new IndexView(index, now, today));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>As <see cref="ReadAsync{T}"/>, with the counted users (<see cref="UserDirectory"/>) read in the same session.</summary>
    public Task<T> ReadWithUsersAsync<T>(
        DateTimeOffset now, IDbSession db, Func<IndexView, List<(long User, long Account)>, T> compute, CancellationToken cancellationToken) =>
        ReadAsync(now, db, async view => compute(view, await UserDirectory.CountedAsync(db, cancellationToken)), cancellationToken);

    /// <summary>Whether the index serves and how far a running load is (the landing page).</summary>
    public IndexLoadStatus Status
    {
        get
        {
            lock (_sync)
            {
                var load = _load;
                var loading = _building is { IsCompleted: false };
                TimeSpan? remaining = null;
                if (loading && load is not null && load.Completed > _attemptFirstChunk)
                {
                    var perChunk = time.GetElapsedTime(_attemptStarted) / (load.Completed - _attemptFirstChunk);
                    remaining = perChunk * (load.Chunks.Count - load.Completed);
                }

                return new IndexLoadStatus(_current is not null, loading, load?.Completed ?? 0, load?.Chunks.Count ?? 0, remaining, _current?.Count ?? 0);
            }
        }
    }

    /// <summary>Builds a fresh index now and makes it current (tests; the scheduled rebuild does the same in the background).</summary>
    public async Task RebuildAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var index = await BuildAsync(now, cancellationToken);
        lock (_sync)
        {
            Install(index);
        }
    }

    /// <summary>Installs a finished build, starts one when due, and returns the build to wait for when there is no index yet.</summary>
    private Task<ActivityIndex>? Promote(DateTimeOffset now)
    {
        lock (_sync)
        {
            if (_building is { IsCompleted: true } done)
            {
                _building = null;
                if (done.IsCompletedSuccessfully)
                {
                    Install(done.Result);
                }
                else if (_current is null)
                {
                    done.GetAwaiter().GetResult();
                }
                else
                {
                    // The old index keeps serving; retry soon, but not at every poll.
                    _nextBuild = time.GetUtcNow() + TimeSpan.FromTicks(Math.Min(Options.EventMetrics.RebuildInterval.Ticks, RetryDelay.Ticks));
                }
            }

            var due = _current is null
                || time.GetUtcNow() >= _nextBuild
                || now < _current.Watermark - Options.EventMetrics.Lateness;
            if (due && _building is null)
            {
                _building = Task.Run(() => BuildAsync(now, _stopping.Token));
            }

            return _current is null ? _building : null;
        }
    }

    private void Install(ActivityIndex index)
    {
        _current = index;
        _nextBuild = index.BuiltAt + Options.EventMetrics.RebuildInterval;
        self.IndexUsers.Set(index.Count);
        self.IndexBytes.Set(index.Bytes);
    }

    private async Task<ActivityIndex> BuildAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            var index = await LoadInChunksAsync(now, cancellationToken);
            WriteSnapshot(index);
            Log.IndexLoaded(logger, index.Count, index.Bytes / 1_048_576.0, time.GetElapsedTime(started).TotalSeconds);
            return index;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.IndexLoadFailed(logger, time.GetElapsedTime(started).TotalSeconds, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Reads the chunks of a full load oldest first, each in its own session. A load left unfinished by a failure is
    /// resumed after its last finished chunk, unless it is as of a later instant than this one (the clock moved back).
    /// </summary>
    private async Task<ActivityIndex> LoadInChunksAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var timeout = Options.EventMetrics.LoadTimeout;
        var load = _load is { } unfinished && !unfinished.IsComplete && unfinished.Now <= now ? unfinished : null;
        if (load is null && !_snapshotTried && Options.EventMetrics.SnapshotPath is { } path)
        {
            _snapshotTried = true;
            load = await WarmStartAsync(path, now, cancellationToken);
        }

        if (load is null)
        {
            load = await runner.RunAsync(timeout, (db, ct) => IndexLoader.PlanAsync(db, now, Options, families, ct), cancellationToken);
            IndexLog.LoadPlanned(logger, now, load.Chunks.Count, Options.EventMetrics.LoadChunkSpan);
        }
        else
        {
            IndexLog.LoadResumed(logger, load.Completed, load.Chunks.Count);
        }

        lock (_sync)
        {
            (_load, _attemptStarted, _attemptFirstChunk) = (load, time.GetTimestamp(), load.Completed);
        }

        self.IndexLoadProgress.Set(load.Ratio);
        while (!load.IsComplete)
        {
            var chunk = load.Next;
            var chunkStarted = time.GetTimestamp();
            var rows = await runner.RunAsync(timeout, (db, ct) => IndexLoader.ReadChunkAsync(db, load.Index, chunk, load.Now, Options, ct), cancellationToken);
            load.CompleteNext();
            self.IndexLoadProgress.Set(load.Ratio);
            IndexLog.ChunkLoaded(logger, load.Completed, load.Chunks.Count, chunk.After, chunk.Until, rows,
                time.GetElapsedTime(chunkStarted).TotalSeconds, load.Ratio * 100, Status.Remaining?.TotalSeconds ?? 0);
        }

        load.Index.Watermark = load.Now;
        load.Index.DropInstantsUpTo((load.Now - Options.SessionWindow.Length).UtcTicks);
        if (load.Index.BuiltAt == default)
        {
            load.Index.BuiltAt = time.GetUtcNow();
        }

        return load.Index;
    }

    /// <summary>
    /// The snapshot as a load whose chunks are the events after its watermark minus the lateness allowance, or null
    /// (one log line saying why) when there is none this database and configuration can use.
    /// </summary>
    private async Task<IndexLoad?> WarmStartAsync(string path, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var identity = await runner.RunAsync(Options.EventMetrics.LoadTimeout, DatabaseIdentity.ReadAsync, cancellationToken);
            _snapshotHeader = new SnapshotHeader(identity, IndexShape.Of(Options, families), default);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            IndexLog.SnapshotIdentityFailed(logger, e.Message);
            return null;
        }

        var (index, header, rejected) = IndexSnapshotFile.TryRead(path, _snapshotHeader, now);
        if (index is null)
        {
            IndexLog.SnapshotIgnored(logger, path, rejected!);
            return null;
        }

        index.BuiltAt = header!.BuiltAt;
        var chunks = LoadChunk.Plan(null, index.Watermark - Options.EventMetrics.Lateness, now, Options.EventMetrics.LoadChunkSpan);
        IndexLog.SnapshotLoaded(logger, path, index.Count, index.Watermark, chunks.Count);
        return new IndexLoad(index, chunks, now);
    }

    /// <summary>Writes the snapshot when one is configured; a failure is logged and the next interval tries again.</summary>
    private void WriteSnapshot(ActivityIndex index)
    {
        if (Options.EventMetrics.SnapshotPath is not { } path || _snapshotHeader is not { } identified)
        {
            return;
        }

        var started = time.GetTimestamp();
        try
        {
            var bytes = IndexSnapshotFile.Write(path, identified with { BuiltAt = index.BuiltAt }, index);
            IndexLog.SnapshotWritten(logger, path, bytes, index.Count, index.Watermark, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            IndexLog.SnapshotWriteFailed(logger, path, e.Message);
        }

        _lastSnapshot = time.GetUtcNow();
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _gate.Dispose();
    }
}
