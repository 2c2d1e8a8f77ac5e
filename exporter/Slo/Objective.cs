namespace SaasExporter.Slo;

/// <summary>
/// The one objective of an SLO after validation: the target, for Timeslices the slice target and window, and for a
/// thresholdMetric the operator and threshold value.
/// </summary>
public sealed record Objective(decimal Target, decimal? SliceTarget, TimeSpan? SliceWindow, ThresholdOperator? Op, decimal? Value);
