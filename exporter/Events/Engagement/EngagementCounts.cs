namespace SaasExporter.Events.Engagement;

/// <summary>What either source counts for <see cref="EngagementDefinition"/>, positions as in the definition's windows and platforms.</summary>
internal sealed class EngagementCounts(int windows, int platforms)
{
    public long[] ActiveUsers { get; } = new long[windows];

    public long[] ActiveAccounts { get; } = new long[windows];

    /// <summary>Users by their number of active days among the L30 days (index 1..30; 0 is not served).</summary>
    public long[] UsersByActiveDays { get; } = new long[EngagementDefinition.L30Days + 1];

    public long PowerUsers { get; set; }

    public long[] PlatformUsers { get; } = new long[platforms];
}
