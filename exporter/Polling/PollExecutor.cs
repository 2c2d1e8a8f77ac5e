using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Database;
using SaasExporter.Logging;
using SaasExporter.Publishing;

namespace SaasExporter.Polling;

public enum PollOutcome
{
    Succeeded,
    Failed,

    /// <summary>Failed because the database lacks a relation or column the collector needs.</summary>
    ContractViolated,

    /// <summary>An optional relation is missing: the collector is switched off for the life of the process.</summary>
    Disabled,
}

/// <summary>
/// Runs one poll of one collector: contract check (until it passes once), the query inside the resilience pipeline
/// and a timeout, then an atomic publish. A failure keeps the last published values and marks the collector down.
/// </summary>
public sealed class PollExecutor(
    IQueryRunner runner,
    ResiliencePipeline pipeline,
    MetricPublisher publisher,
    SelfMetrics self,
    CollectorStatusBoard board,
    EvaluationClock clock,
    TimeProvider time,
    IOptions<ExporterOptions> options,
    ILogger<PollExecutor> logger) : IDisposable
{
    /// <summary>Client-side backstop beyond the server-side statement_timeout.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, bool> _contractVerified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _unreachable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _succeededOnce = new(StringComparer.Ordinal);

    /// <summary>The executor is built once at the start of a process; first successes are measured from here.</summary>
    private readonly long _startedAt = time.GetTimestamp();
    private int _firstCompleteLogged;

    /// <summary>
    /// Database:MaxConcurrentPolls: collectors due together take turns instead of all querying at once. Capped at the pool
    /// size rather than refused, so that lowering MaxPoolSize alone is never an error about a key the user did not set.
    /// With the incremental source one connection is left to the activity index load: a poll holds its connection
    /// while it waits for the load, so polls taking every connection would wait for it forever.
    /// </summary>
    private readonly SemaphoreSlim _slots = new(PollSlots(options.Value));

    /// <summary>How many polls may hold a connection at once (at least 1: validation requires a pool of 2 for the index).</summary>
    internal static int PollSlots(ExporterOptions options) =>
        Math.Max(1, Math.Min(options.Database.MaxConcurrentPolls,
            options.Database.MaxPoolSize - (options.EventMetrics.Source == EventMetricsSource.Incremental ? 1 : 0)));

    public async Task<PollOutcome> PollAsync(IMetricCollector collector, CancellationToken cancellationToken)
    {
        // Waiting for a turn is not part of the poll: its timeout, duration and evaluation instant start after it.
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await PollNowAsync(collector, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Counts the outcome of one scheduled poll (one interval of the collector, retries included).</summary>
    public void CountScheduledPoll(IMetricCollector collector, bool succeeded)
    {
        self.ScheduledPolls.WithLabels(collector.Name, succeeded ? "success" : "failure").Inc();
        publisher.MarkChanged();
    }

    /// <summary>
    /// How soon a collector whose last poll failed polls again. A poll that could not reach the database (or that the
    /// open circuit refused without connecting) comes back after the circuit's pause, so that it is not refused at the
    /// end of one pause and then kept down a whole retry period after the database is back; the circuit, not this
    /// delay, bounds the connection attempts. A query that failed on a live server waits the full period.
    /// </summary>
    public TimeSpan RetryAfterFailure(IMetricCollector collector) =>
        _unreachable.GetValueOrDefault(collector.Name) ? DatabaseResilience.BreakDuration : CollectorScheduler.RetryAfterFailure;

    public void Dispose() => _slots.Dispose();

    private async Task<PollOutcome> PollNowAsync(IMetricCollector collector, CancellationToken cancellationToken)
    {
        var settings = options.Value.For(collector.Name);
        var started = time.GetTimestamp();
        var now = clock.Now;

        using var timeout = new CancellationTokenSource(settings.Timeout + Grace, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        context.Properties.Set(DatabaseResilience.CollectorKey, collector.Name);
        try
        {
            var result = await pipeline.ExecuteAsync(
                static async (ctx, state) => await state.runner.RunAsync(state.settings.Timeout,
                    (db, token) => state.self.CollectVerifiedAsync(state.collector, state.now, db, token), ctx.CancellationToken),
                context,
                (runner, settings, self: this, collector, now));

            publisher.Publish(collector, result.Samples);
            CountRejected(result.Rejected);

            var elapsed = time.GetElapsedTime(started);
            var at = time.GetUtcNow();
            self.CollectorUp.WithLabels(collector.Name).Set(1);
            self.Degraded.WithLabels(collector.Name).Set(result.Rejected.Any(r => r.Count > 0) ? 1 : 0);
            self.LastSuccess.WithLabels(collector.Name).Set(at.ToUnixTimeMilliseconds() / 1000.0);
            self.DatabaseUp.Set(1);
            Record(collector, elapsed, "success");
            board.Succeeded(collector.Name, at, elapsed, Degradation(result.Rejected), now);
            Log.PollSucceeded(logger, collector.Name, elapsed.TotalMilliseconds, result.Samples.Count);
            if (_succeededOnce.TryAdd(collector.Name, true))
            {
                var sinceStart = time.GetElapsedTime(_startedAt);
                self.FirstSuccess.WithLabels(collector.Name).Set(sinceStart.TotalSeconds);
                if (board.IsReady && Interlocked.Exchange(ref _firstCompleteLogged, 1) == 0)
                {
                    Log.FirstComplete(logger, sinceStart.TotalSeconds, collector.Name);
                }
            }
            return PollOutcome.Succeeded;
        }
        catch (OptionalRelationMissingException missing)
        {
            self.Enabled.WithLabels(collector.Name).Set(0);
            board.Disable(collector.Name, missing.Message);
            Log.CollectorDisabled(logger, collector.Name, missing.Message);
            return PollOutcome.Disabled;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var elapsed = time.GetElapsedTime(started);
            var error = e is OperationCanceledException ? $"timed out after {settings.Timeout}" : FailureText.Of(e);
            self.CollectorUp.WithLabels(collector.Name).Set(0);
            // A query error or timeout came from a live server; only connection failures mean the database is down.
            var unreachable = DatabaseFailures.IsUnreachable(e);
            _unreachable[collector.Name] = unreachable;
            self.DatabaseUp.Set(unreachable ? 0 : 1);
            if (e is RowCapExceededException capped)
            {
                CountRejected(capped.Rejected);
            }

            if (e is InconsistentDataException inconsistent)
            {
                self.IdentityViolations.WithLabels(collector.Name, inconsistent.Identity).Inc();
            }

            Record(collector, elapsed, "failure");
            board.Failed(collector.Name, time.GetUtcNow(), elapsed, error);
            Log.PollFailed(logger, collector.Name, elapsed.TotalMilliseconds, error);
            return e is ContractViolationException ? PollOutcome.ContractViolated : PollOutcome.Failed;
        }
        finally
        {
            // The poll's own series (up, duration, runs, ...) changed too: no cached exposition may outlive them.
            publisher.MarkChanged();
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static string? Degradation(IReadOnlyList<RejectedRows> rejected) =>
        rejected.Any(r => r.Count > 0)
            ? "degraded: dropped " + string.Join(", ", rejected.Where(r => r.Count > 0).Select(r => $"{r.Count} {r.Relation} rows ({r.Reason})"))
            : null;

    private void CountRejected(IReadOnlyList<RejectedRows> rejected)
    {
        foreach (var rows in rejected)
        {
            self.RowsRejected.WithLabels(rows.Relation, rows.Reason).Inc(rows.Count);
        }
    }

    private void Record(IMetricCollector collector, TimeSpan elapsed, string result)
    {
        self.Duration.WithLabels(collector.Name).Observe(elapsed.TotalSeconds);
        self.Runs.WithLabels(collector.Name, result).Inc();
    }

    private async Task<CollectorResult> CollectVerifiedAsync(IMetricCollector collector, DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        if (!_contractVerified.ContainsKey(collector.Name))
        {
            var problems = await ContractChecker.CheckAsync(db, options.Value.Database.Schema, collector.Relations, cancellationToken);
            var missingOptional = problems.FirstOrDefault(p => p.OptionalMissing);
            if (missingOptional is not null)
            {
                throw new OptionalRelationMissingException(missingOptional.Message);
            }

            if (problems.Count > 0)
            {
                throw new ContractViolationException(string.Join("; ", problems));
            }

            _contractVerified[collector.Name] = true;
        }

        return await collector.CollectAsync(now, db, cancellationToken);
    }

    private sealed class OptionalRelationMissingException(string message) : Exception(message);
}
