using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using SaasExporter.Logging;

namespace SaasExporter.Polling;

/// <summary>
/// One pipeline for every collector, because they share one database: a couple of jittered retries for a dropped
/// connection, then a circuit breaker so a down database gets a bounded trickle of connection attempts instead of
/// one storm per collector per interval.
/// </summary>
public static class DatabaseResilience
{
    public static readonly ResiliencePropertyKey<string> CollectorKey = new("saas-exporter.collector");

    /// <summary>How long the open circuit refuses polls before it lets one probe the database.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15);

    public static ResiliencePipeline Build(TimeProvider time, ILogger logger) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && DatabaseFailures.IsTransient(e)),
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(500),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    var collector = args.Context.Properties.GetValue(CollectorKey, "?");
                    Log.Retrying(logger, collector, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, FailureText.Of(args.Outcome.Exception!));
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && DatabaseFailures.IsUnreachable(e)),
                FailureRatio = 0.5,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = BreakDuration,
                OnOpened = args =>
                {
                    Log.CircuitOpened(logger, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
}
