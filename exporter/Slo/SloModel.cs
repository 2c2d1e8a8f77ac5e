namespace SaasExporter.Slo;

/// <summary>How an SLI turns into an error ratio over a window.</summary>
public enum SliKind
{
    /// <summary>thresholdMetric, Occurrences: every evaluation is one occurrence, good when value op threshold.</summary>
    Threshold,

    /// <summary>ratioMetric of gauges (counter: false), Timeslices: every evaluation is a slice, good when good/total meets timeSliceTarget.</summary>
    GaugeRatio,

    /// <summary>ratioMetric of counters (counter: true), Occurrences: events counted with increase().</summary>
    CounterRatio,
}

/// <summary>A PromQL vector selector with equality matchers only: metric{label="value", ...}.</summary>
public sealed record Selector(string Metric, IReadOnlyList<KeyValuePair<string, string>> Matchers)
{
    public string Text => Matchers.Count == 0
        ? Metric
        : $"{Metric}{{{string.Join(", ", Matchers.Select(m => $"{m.Key}=\"{m.Value}\""))}}}";

    /// <summary>True when every series this selector matches is also matched by <paramref name="other"/>.</summary>
    public bool IsNarrowerThan(Selector other) =>
        Metric == other.Metric && other.Matchers.All(m => Matchers.Contains(m)) && Matchers.Count > other.Matchers.Count;
}

public sealed record SliDefinition(
    SliKind Kind,
    Selector? Value,
    ThresholdOperator? Op,
    decimal? Threshold,
    Selector? Good,
    Selector? Bad,
    Selector? Total)
{
    public IEnumerable<Selector> Inputs => new[] { Value, Good, Bad, Total }.OfType<Selector>();
}

/// <summary>A calendar-aligned window (UTC only): the period restarts at each boundary.</summary>
public sealed record CalendarWindow(CalendarUnit Unit, DateTimeOffset Start);

/// <summary>One burn-rate alert tier: both windows above factor x error budget.</summary>
public sealed record BurnTier(string Name, Severity Severity, TimeSpan LongWindow, TimeSpan ShortWindow, decimal Factor, TimeSpan For);

/// <summary>
/// An OpenSLO SLO after reading, reference resolution and validation. MinEvents: for a counter ratio the events
/// (increase of total) a long window needs before it may alert; for a gauge ratio the population (sum of total) an
/// evaluation needs to count at all (a ratio over a tiny denominator is no evidence either way); unused otherwise.
/// </summary>
public sealed record SloDefinition(
    string File,
    string Name,
    string DisplayName,
    string Description,
    string Service,
    string Team,
    TimeSpan Period,
    string PeriodText,
    CalendarWindow? Calendar,
    BudgetingMethod BudgetingMethod,
    decimal Target,
    decimal? TimeSliceTarget,
    TimeSpan? TimeSliceWindow,
    SliDefinition Sli,
    IReadOnlyList<BurnTier> ExplicitTiers,
    int MinEvents)
{
    /// <summary>
    /// Counts only evaluations whose rolling one-day SLI saw business days: Tuesday to Friday UTC, when the last 24
    /// hours lie within Monday to Friday (annotation saasexporter.io/business-days).
    /// </summary>
    public bool BusinessDays { get; init; }

    public decimal ErrorBudget => 1m - Target;

    public string Id => $"{Service}-{Name}";
}
