namespace SaasExporter.Slo.Replay;

/// <summary>Every SLO's replay over evaluations [From, To) every Step, read from the Prometheus at Prometheus.</summary>
public sealed record ReplayReport(DateTimeOffset From, DateTimeOffset To, TimeSpan Step, Uri Prometheus, IReadOnlyList<ObjectiveResult> Objectives);
