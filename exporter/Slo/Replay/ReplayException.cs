namespace SaasExporter.Slo.Replay;

/// <summary>A replay that cannot run (Prometheus unreachable or refusing a query, no data): one line for the user.</summary>
public sealed class ReplayException(string message) : Exception(message);
