using System.Globalization;
using Npgsql;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Database;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// One poll of one collector as the exporter runs it, without a host: through the real query runner, in a read-only
/// session, at a fixed instant. The samples come back as an exposition so assertions read like those on a scrape.
/// </summary>
internal static class CollectorPoll
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Polls the SQL source of the event family <paramref name="name"/> (the exporter's default source).</summary>
    public static Task<Exposition> EventFamilyAsync(string connectionString, string name, DateTimeOffset now, Action<ExporterOptions>? configure = null)
    {
        var options = Options(configure);
        return RunAsync(connectionString, options, RegisteredEventFamilies.Named(name).Sql(options), now);
    }

    public static ExporterOptions Options(Action<ExporterOptions>? configure)
    {
        var options = new ExporterOptions();
        configure?.Invoke(options);
        options.ApplyDefaults();
        return options;
    }

    public static async Task<Exposition> RunAsync(string connectionString, ExporterOptions options, IMetricCollector collector, DateTimeOffset now)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var runner = new QueryRunner(dataSource, Microsoft.Extensions.Options.Options.Create(options));
        var result = await runner.RunAsync(Timeout, (db, ct) => collector.CollectAsync(now, db, ct), CancellationToken.None);
        return Exposition.Parse(string.Join('\n', result.Samples.Select(Line)));
    }

    private static string Line(Sample sample) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sample.Family.Name}{{{string.Join(",", sample.Family.LabelNames.Zip(sample.LabelValues, (n, v) => $"{n}=\"{v}\""))}}} {sample.Value}");
}
