namespace SaasExporter.Slo.Replay;

/// <summary>
/// One firing of a tier: its condition held from <see cref="PendingSince"/>, the alert fired at <see cref="Start"/>
/// (after <c>for:</c>) and resolved at <see cref="End"/>, the first evaluation without the condition; an
/// <see cref="Ongoing"/> firing was still firing when the replay ended, at <see cref="End"/>.
/// </summary>
public sealed record Firing(DateTimeOffset PendingSince, DateTimeOffset Start, DateTimeOffset End, bool Ongoing)
{
    public TimeSpan Duration => End - Start;
}
