using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.Custom;

/// <summary>
/// A user-defined SQL collector. Its query runs in the same read-only snapshot as the built-in collectors, with
/// <c>@now</c> and, per declared window, <c>@window</c> (an interval) and <c>@window_start</c> (now - window); each
/// window's rows carry a <c>window</c> label. Rows that cannot become a sample are dropped and counted, never fatal;
/// a query returning more than <see cref="RowCap"/> rows is stopped and fails the poll.
/// </summary>
internal sealed class CustomSqlCollector : DescribedCollector
{
    private readonly CustomCollectorDefinition _definition;
    private readonly List<(CustomMetricDefinition Metric, MetricFamily Family)> _metrics;

    public CustomSqlCollector(CustomCollectorDefinition definition)
        : this(definition, Describe(definition))
    {
    }

    private CustomSqlCollector(CustomCollectorDefinition definition, CollectorDescriptor descriptor)
        : base(descriptor)
    {
        _definition = definition;
        _metrics = [.. definition.Metrics.Zip(descriptor.Families)];
    }

    /// <summary>
    /// The collector a definition describes: its schedule and its families. User SQL reads whatever it reads, so no
    /// contract relation is required of the database.
    /// </summary>
    public static CollectorDescriptor Describe(CustomCollectorDefinition definition)
    {
        var windowLabel = definition.Windows.Count > 0 ? ["window"] : Array.Empty<string>();
        return new CollectorDescriptor(definition.Name, definition.Schedule, Relations: [],
            Families: [.. definition.Metrics.Select(m => new MetricFamily(m.Name, m.Help, [.. m.LabelColumns, .. m.StaticLabels.Select(l => l.Key), .. windowLabel])
            {
                Type = m.Type,
                Buckets = m.Buckets,
            })]);
    }

    /// <summary>Reason of rows_rejected_total when a query returns more rows than <see cref="RowCap"/>.</summary>
    public const string RowCapExceeded = "row_cap_exceeded";

    /// <summary>Rows one run of a query may always return, whatever its max_series.</summary>
    public const long MinRowCap = 100_000;

    /// <summary>
    /// Rows one run of the query may return: 10 times the largest max_series of its metrics, and at least
    /// <see cref="MinRowCap"/> (a query returning a few thousand rows past max_series is served degraded, as before). A
    /// query past it (a forgotten GROUP BY over events, say) is cancelled on the server and the poll fails, instead of
    /// reading millions of rows only to drop all but max_series label sets.
    /// </summary>
    public long RowCap => Math.Max(MinRowCap, 10L * _definition.Metrics.Max(m => m.MaxSeries));

    /// <summary>The file's definition of this collector (its windows and static labels bound label values).</summary>
    public CustomCollectorDefinition Definition => _definition;

    public override async Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken)
    {
        var runs = Runs(now);

        // Describing first parses every statement without running any: a text holding a second statement (a COMMIT
        // followed by a write, say) is refused before anything in it executes.
        await VerifyShapeAsync(db, runs[0].Parameters, cancellationToken);

        var samples = new List<Sample>();
        var rejected = new RejectionTally();
        foreach (var (label, parameters) in runs)
        {
            // Rows are read as they arrive, never held: only candidate samples are kept, and the row cap bounds them.
            var readers = _metrics.Select(m => new CustomRows(m.Metric, m.Family, label, rejected)).ToList();
            long read = 0;
            await db.StreamAsync(_definition.Sql, parameters, record =>
            {
                if (++read > RowCap)
                {
                    throw new RowCapExceededException(
                        $"collector '{Name}': the query returned more than {RowCap} rows (10 x max_series, at least {MinRowCap}); stopped it",
                        [.. _metrics.Select(m => new RejectedRows(m.Metric.Name, RowCapExceeded, read))]);
                }

                foreach (var reader in readers)
                {
                    reader.Add(column => CustomRows.Cell(record, column));
                }
            }, cancellationToken);

            foreach (var reader in readers)
            {
                reader.AddTo(samples);
            }
        }

        return new CollectorResult(samples, rejected.ToList());
    }

    /// <summary>Fails with one line naming the collector and metric when the query cannot feed its metrics.</summary>
    public async Task VerifyShapeAsync(IDbSession db, object parameters, CancellationToken cancellationToken)
    {
        var shape = await db.DescribeAsync(_definition.Sql, parameters, cancellationToken);
        if (shape.Statements != 1)
        {
            throw new CustomQueryException($"collector '{Name}': sql holds {shape.Statements} statements; a collector runs exactly one query");
        }

        foreach (var (metric, _) in _metrics)
        {
            foreach (var column in metric.LabelColumns.Prepend(metric.ValueColumn))
            {
                if (!shape.Columns.Contains(column, StringComparer.Ordinal))
                {
                    var role = column == metric.ValueColumn ? "value" : "label";
                    throw new CustomQueryException(
                        $"collector '{Name}': metric '{metric.Name}': {role} column '{column}' is not a column of the query (columns: {string.Join(", ", shape.Columns)})");
                }
            }
        }
    }

    /// <summary>The parameters of a collector's first run at an instant, for describing its query.</summary>
    public object ParametersAt(DateTimeOffset now) => Runs(now)[0].Parameters;

    /// <summary>One run per declared window (its label and parameters), or a single unlabelled run with @now only.</summary>
    private List<(string? Label, object Parameters)> Runs(DateTimeOffset now) =>
        _definition.Windows.Count == 0
            ? [(null, new { now })]
            : [.. _definition.Windows.Select(w => ((string?)w.Label, (object)new { now, window = w.Length, window_start = now - w.Length }))];
}

/// <summary>A user-defined query cannot feed its metrics: wrong number of statements or a missing column.</summary>
public sealed class CustomQueryException(string message) : Exception(message);

/// <summary>A user-defined query returned more rows than its cap; the rows read are counted as rejected for each metric.</summary>
public sealed class RowCapExceededException(string message, IReadOnlyList<RejectedRows> rejected) : Exception(message)
{
    public IReadOnlyList<RejectedRows> Rejected { get; } = rejected;
}
