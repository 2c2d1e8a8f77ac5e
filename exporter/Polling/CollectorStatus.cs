using System.Collections.Concurrent;

namespace SaasExporter.Polling;

/// <summary>
/// What the landing page and /readyz show about one collector; <paramref name="EvaluatedAt"/> is the evaluation instant
/// of the last successful poll, the instant its published values describe.
/// </summary>
public sealed record CollectorStatus(
    string Collector,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset? LastPoll,
    TimeSpan? LastDuration,
    DateTimeOffset? LastSuccess,
    string? LastError,
    string? Warning = null,
    DateTimeOffset? EvaluatedAt = null);

/// <summary>Thread-safe latest status of every collector.</summary>
public sealed class CollectorStatusBoard
{
    private readonly ConcurrentDictionary<string, CollectorStatus> _statuses = new(StringComparer.Ordinal);

    public void Declare(string collector, bool enabled, string? disabledReason = null) =>
        _statuses[collector] = new CollectorStatus(collector, enabled, disabledReason, null, null, null, null);

    public void Disable(string collector, string reason) =>
        _statuses.AddOrUpdate(collector, _ => new CollectorStatus(collector, false, reason, null, null, null, null),
            (_, s) => s with { Enabled = false, DisabledReason = reason });

    /// <summary>
    /// A poll published the values of instant <paramref name="evaluatedAt"/>; <paramref name="warning"/> says what it had
    /// to drop, if anything (degraded).
    /// </summary>
    public void Succeeded(string collector, DateTimeOffset at, TimeSpan duration, string? warning = null, DateTimeOffset? evaluatedAt = null) =>
        _statuses.AddOrUpdate(collector, _ => new CollectorStatus(collector, true, null, at, duration, at, null, warning, evaluatedAt),
            (_, s) => s with { LastPoll = at, LastDuration = duration, LastSuccess = at, LastError = null, Warning = warning, EvaluatedAt = evaluatedAt });

    public void Failed(string collector, DateTimeOffset at, TimeSpan duration, string error) =>
        _statuses.AddOrUpdate(collector, _ => new CollectorStatus(collector, true, null, at, duration, null, error),
            (_, s) => s with { LastPoll = at, LastDuration = duration, LastError = error });

    public IReadOnlyList<CollectorStatus> All => [.. _statuses.Values.OrderBy(s => s.Collector, StringComparer.Ordinal)];

    /// <summary>Ready once every enabled collector has completed one successful poll.</summary>
    public bool IsReady => _statuses.Values.All(s => !s.Enabled || s.LastSuccess is not null);
}
