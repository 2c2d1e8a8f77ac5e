namespace SaasExporter.Hosting;

/// <summary>How a headline number is shown.</summary>
internal enum HeadlineFormat { Count, Percent, Money }

/// <summary>
/// A number the landing page leads with, as /metrics serves it: <paramref name="Value"/> is null when nothing is
/// published (yet), and <paramref name="Missing"/> then says why. <paramref name="EvaluatedAt"/> is the evaluation
/// instant of the poll of <paramref name="Collector"/> that published it.
/// </summary>
internal sealed record HeadlineNumber(
    string Name,
    string Definition,
    HeadlineFormat Format,
    double? Value,
    string? Missing,
    string? Collector,
    DateTimeOffset? EvaluatedAt);
