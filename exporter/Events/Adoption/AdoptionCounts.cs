namespace SaasExporter.Events.Adoption;

/// <summary>What either source counts for <see cref="AdoptionDefinition"/>: users per (feature, window) and per breadth bucket.</summary>
internal sealed class AdoptionCounts(int features, int windows, int buckets)
{
    public long[,] FeatureUsers { get; } = new long[features, windows];

    public long[] Breadth { get; } = new long[buckets];
}
