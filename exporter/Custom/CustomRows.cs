using System.Data;
using System.Globalization;
using SaasExporter.Collectors;

namespace SaasExporter.Custom;

/// <summary>Counts dropped rows by metric and reason; they are reported as rows_rejected_total{relation=metric}.</summary>
internal sealed class RejectionTally
{
    private readonly Dictionary<(string Metric, string Reason), long> _counts = [];

    public void Add(string metric, string reason, long count = 1)
    {
        if (count > 0)
        {
            _counts[(metric, reason)] = _counts.GetValueOrDefault((metric, reason)) + count;
        }
    }

    public List<RejectedRows> ToList() =>
        [.. _counts.OrderBy(c => c.Key.Metric, StringComparer.Ordinal).ThenBy(c => c.Key.Reason, StringComparer.Ordinal)
            .Select(c => new RejectedRows(c.Key.Metric, c.Key.Reason, c.Value))];
}

/// <summary>
/// Turns a user query's rows into one metric's samples, row by row as they stream from the server. A row is dropped
/// (and counted by reason) when a label column is NULL, the value is NULL, not a number, not finite (including a numeric
/// NaN or Infinity, and a numeric beyond System.Decimal's range of about 7.9e28), or negative for a counter. For gauges and counters, every row of a
/// label set that occurs more than once is dropped: no row of the set is more right than another. Label sets past
/// max_series (in query order) are dropped too, so one runaway query cannot flood Prometheus. A label value longer than
/// <see cref="MaxLabelLength"/> characters is a row's text, not a category: the row is dropped too.
/// </summary>
internal sealed class CustomRows(CustomMetricDefinition metric, MetricFamily family, string? window, RejectionTally rejected)
{
    public const string NullLabel = "null_label";
    public const string NullValue = "null_value";
    public const string NonNumeric = "non_numeric_value";
    public const string NonFinite = "non_finite_value";
    public const string NegativeCounter = "negative_counter";
    public const string DuplicateLabels = "duplicate_labels";
    public const string MaxSeries = "max_series_exceeded";
    public const string LabelTooLong = "label_too_long";

    /// <summary>Longer label values are refused: a 1 MB value would be copied into every scrape and every sample Prometheus stores.</summary>
    public const int MaxLabelLength = 1024;

    private readonly string[] _suffix = [.. metric.StaticLabels.Select(l => l.Value), .. window is null ? Array.Empty<string>() : [window]];
    private readonly List<(string Key, string[] Labels, double Value)> _candidates = [];

    /// <summary>Reads one metric's samples off rows already in memory (tests).</summary>
    public static void Read(CustomMetricDefinition metric, MetricFamily family, IEnumerable<IDictionary<string, object?>> rows,
        string? window, List<Sample> samples, RejectionTally rejected)
    {
        var reader = new CustomRows(metric, family, window, rejected);
        foreach (var row in rows)
        {
            reader.Add(column => row[column]);
        }

        reader.AddTo(samples);
    }

    /// <summary>
    /// A cell of a streamed row. A numeric NaN, Infinity or a value beyond System.Decimal's range cannot be read as the
    /// decimal Npgsql maps numeric to (nor as a double, which Npgsql reads through a decimal): the cell reads as NaN, so
    /// that one row is dropped as not finite instead of the whole poll failing.
    /// </summary>
    public static object? Cell(IDataRecord record, string column)
    {
        var ordinal = record.GetOrdinal(column);
        try
        {
            return record.GetValue(ordinal);
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException)
        {
            try
            {
                return record.GetDouble(ordinal);
            }
            catch (Exception again) when (again is InvalidCastException or OverflowException)
            {
                return double.NaN;
            }
        }
    }

    /// <summary>Converts one row, keeping it as a candidate sample or counting why it is dropped.</summary>
    public void Add(Func<string, object?> cell)
    {
        var reason = Convert(metric, cell, out var labels, out var value);
        if (reason is not null)
        {
            rejected.Add(metric.Name, reason);
            return;
        }

        string[] all = [.. labels, .. _suffix];
        _candidates.Add((string.Join('\u0000', all), all, value));
    }

    /// <summary>Drops duplicated label sets and those past max_series, and adds the rest as samples.</summary>
    public void AddTo(List<Sample> samples)
    {
        var candidates = _candidates;
        if (metric.Type != MetricType.Histogram)
        {
            var duplicated = candidates.GroupBy(c => c.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
            rejected.Add(metric.Name, DuplicateLabels, candidates.Count(c => duplicated.Contains(c.Key)));
            candidates.RemoveAll(c => duplicated.Contains(c.Key));
        }

        var kept = candidates.Select(c => c.Key).Distinct(StringComparer.Ordinal).Take(metric.MaxSeries).ToHashSet(StringComparer.Ordinal);
        rejected.Add(metric.Name, MaxSeries, candidates.Count(c => !kept.Contains(c.Key)));
        samples.AddRange(candidates.Where(c => kept.Contains(c.Key)).Select(c => family.Sample(c.Value, c.Labels)));
    }

    private static string? Convert(CustomMetricDefinition metric, Func<string, object?> row, out string[] labels, out double value)
    {
        labels = new string[metric.LabelColumns.Count];
        value = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var raw = row(metric.LabelColumns[i]);
            if (raw is null or DBNull)
            {
                return NullLabel;
            }

            labels[i] = LabelText(raw);
            if (labels[i].Length > MaxLabelLength)
            {
                return LabelTooLong;
            }
        }

        var cell = row(metric.ValueColumn);
        if (cell is null or DBNull)
        {
            return NullValue;
        }

        double? number = cell switch
        {
            double d => d,
            float f => f,
            decimal m => (double)m,
            long l => l,
            int n => n,
            short s => s,
            byte b => b,
            bool flag => flag ? 1 : 0,
            _ => null,
        };
        if (number is not { } v)
        {
            return NonNumeric;
        }

        if (!double.IsFinite(v))
        {
            return NonFinite;
        }

        if (metric.Type == MetricType.Counter && v < 0)
        {
            return NegativeCounter;
        }

        value = v;
        return null;
    }

    private static string LabelText(object raw) => raw switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => raw.ToString() ?? "",
    };
}
