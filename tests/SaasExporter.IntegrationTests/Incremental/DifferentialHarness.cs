using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Incremental;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Publishing;

namespace SaasExporter.IntegrationTests.Incremental;

/// <summary>
/// Every registered event family's SQL source (the reference) and its activity-index source over one database, polled
/// at the same instants in read-only sessions exactly as the exporter polls them.
/// </summary>
internal sealed class DifferentialHarness : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly QueryRunner _runner;
    private readonly IMetricCollector[] _sql;
    private readonly IMetricCollector[] _indexed;

    /// <summary>
    /// Both sources over the database; <paramref name="indexRunner"/> wraps the runner the index loads through (a seam
    /// for failures), <paramref name="logger"/> receives the index's log lines.
    /// </summary>
    public DifferentialHarness(
        string connectionString, Action<ExporterOptions>? configure = null, Func<IQueryRunner, IQueryRunner>? indexRunner = null, ILogger<ActivityIndexStore>? logger = null)
    {
        var options = new ExporterOptions();
        configure?.Invoke(options);
        options.ApplyDefaults();
        options.EventMetrics.Source = EventMetricsSource.Incremental;
        Options = options;
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _runner = new QueryRunner(_dataSource, wrapped);
        SelfMetrics = new SelfMetrics(Metrics.NewCustomRegistry());
        var families = RegisteredEventFamilies.All;
        Store = new ActivityIndexStore(indexRunner?.Invoke(_runner) ?? _runner, wrapped, families, SelfMetrics, TimeProvider.System, logger ?? NullLogger<ActivityIndexStore>.Instance);
        _sql = [.. families.Select(f => f.Sql(options))];
        _indexed = [.. families.Select(f => f.Index(options, Store))];
    }

    public ExporterOptions Options { get; }

    public ActivityIndexStore Store { get; }

    public SelfMetrics SelfMetrics { get; }

    /// <summary>Every sample of the SQL sources at <paramref name="now"/>, one line each, sorted.</summary>
    public Task<List<string>> SqlAsync(DateTimeOffset now) => CollectAsync(_sql, now);

    /// <summary>Every sample of the index sources at <paramref name="now"/> (each poll catches the index up).</summary>
    public Task<List<string>> IndexedAsync(DateTimeOffset now) => CollectAsync(_indexed, now);

    /// <summary>Polls both at <paramref name="now"/> and asserts they serve the same series with the same values.</summary>
    public async Task<List<string>> AssertSameAsync(DateTimeOffset now)
    {
        var expected = await SqlAsync(now);
        var actual = await IndexedAsync(now);
        Assert.True(expected.SequenceEqual(actual),
            $"at {now:O} the index served:\n  {string.Join("\n  ", actual.Except(expected))}\ninstead of:\n  {string.Join("\n  ", expected.Except(actual))}");
        return expected;
    }

    /// <summary>
    /// Asserts that account health's two sources read the same inputs for every customer at <paramref name="now"/>: the
    /// bands alone could hide a usage difference that does not cross a band threshold.
    /// </summary>
    public async Task AssertSameAccountHealthInputsAsync(DateTimeOffset now)
    {
        var definition = new AccountHealthDefinition(Options);
        var expected = await _runner.RunAsync(Timeout, (db, ct) => new AccountHealthSql(definition).CountAsync(now, db, ct), CancellationToken.None);
        var actual = await _runner.RunAsync(Timeout, (db, ct) => new AccountHealthIndex(definition, Store).CountAsync(now, db, ct), CancellationToken.None);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    public static double Value(List<string> samples, string series) =>
        double.Parse(samples.Single(s => s.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<string>> CollectAsync(IMetricCollector[] collectors, DateTimeOffset now)
    {
        var lines = new List<string>();
        foreach (var collector in collectors)
        {
            var result = await _runner.RunAsync(Timeout, (db, ct) => collector.CollectAsync(now, db, ct), CancellationToken.None);
            lines.AddRange(result.Samples.Select(s => s.ToString()));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await _dataSource.DisposeAsync();
    }
}
