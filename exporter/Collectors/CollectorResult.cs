namespace SaasExporter.Collectors;

/// <summary>Rows a poll skipped because they break the contract, by relation and reason.</summary>
public sealed record RejectedRows(string Relation, string Reason, long Count);

/// <summary>What one poll of a collector produced: its samples, and the contract-breaking rows it skipped.</summary>
public sealed record CollectorResult(IReadOnlyList<Sample> Samples, IReadOnlyList<RejectedRows> Rejected)
{
    public CollectorResult(IReadOnlyList<Sample> samples)
        : this(samples, [])
    {
    }
}

/// <summary>
/// The data contradicts itself (an identity that must hold exactly does not): the poll publishes nothing and fails,
/// so inconsistent numbers never reach a dashboard.
/// </summary>
public sealed class InconsistentDataException(string identity, string message) : Exception(message)
{
    public string Identity { get; } = identity;
}
