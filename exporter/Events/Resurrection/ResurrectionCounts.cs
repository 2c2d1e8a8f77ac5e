namespace SaasExporter.Events.Resurrection;

/// <summary>What either source counts for <see cref="ResurrectionDefinition"/>.</summary>
internal sealed class ResurrectionCounts
{
    public long Dormant { get; set; }

    public long Resurrected { get; set; }
}
