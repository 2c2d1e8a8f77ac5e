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
