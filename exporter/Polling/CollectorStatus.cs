using System.Collections.Concurrent;

namespace SaasExporter.Polling;

/// <summary>What the landing page and /readyz show about one collector.</summary>
public sealed record CollectorStatus(
    string Collector,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset? LastPoll,
    TimeSpan? LastDuration,
    DateTimeOffset? LastSuccess,
    string? LastError,
    string? Warning = null);

/// <summary>Thread-safe latest status of every collector.</summary>
public sealed class CollectorStatusBoard
{
    private readonly ConcurrentDictionary<string, CollectorStatus> _statuses = new(StringComparer.Ordinal);

    public void Declare(string collector, bool enabled, string? disabledReason = null) =>
        _statuses[collector] = new CollectorStatus(collector, enabled, disabledReason, null, null, null, null);

    public void Disable(string collector, string reason) =>
        _statuses.AddOrUpdate(collector, _ => new CollectorStatus(collector, false, reason, null, null, null, null),
            (_, s) => s with { Enabled = false, DisabledReason = reason });

    /// <summary>A poll published; <paramref name="warning"/> says what it had to drop, if anything (degraded).</summary>
    public void Succeeded(string collector, DateTimeOffset at, TimeSpan duration, string? warning = null) =>
        _statuses.AddOrUpdate(collector, _ => new CollectorStatus(collector, true, null, at, duration, at, null, warning),
            (_, s) => s with { LastPoll = at, LastDuration = duration, LastSuccess = at, LastError = null, Warning = warning });

    public void Failed(string collector, DateTimeOffset at, TimeSpan duration, string error) =>
        _statuses.AddOrUpdate(collector, _ => new CollectorStatus(collector, true, null, at, duration, null, error),
            (_, s) => s with { LastPoll = at, LastDuration = duration, LastError = error });

    public IReadOnlyList<CollectorStatus> All => [.. _statuses.Values.OrderBy(s => s.Collector, StringComparer.Ordinal)];

    /// <summary>Ready once every enabled collector has completed one successful poll.</summary>
    public bool IsReady => _statuses.Values.All(s => !s.Enabled || s.LastSuccess is not null);
}
