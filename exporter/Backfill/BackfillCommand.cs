using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Database;
using SaasExporter.Hosting;
using SaasExporter.Polling;

namespace SaasExporter.Backfill;

/// <summary>
/// <c>saas-exporter backfill --from T0 --to T1 --step D [--output FILE]</c>: what every enabled collector served at
/// each step instant, computed from the database's own history with the same definitions and the same SQL as a poll
/// at that <c>AsOf</c>, written as OpenMetrics with timestamps. The exporter's own series are not backfilled.
/// </summary>
internal static partial class BackfillCommand
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The instance label of backfilled series. Every rule and board reduces replicas with <c>max without (instance)</c>,
    /// so history that overlaps live scrapes of the same job counts once, and a panel by instance shows where it came from.
    /// </summary>
    public const string Instance = "backfill";

    /// <summary>The backfill's own record, at every step: where this history comes from and when it was computed.</summary>
    private static readonly MetricFamily Info = new("saas_exporter_backfill_info",
        "The backfill that computed this history: its range, step and wall-clock time of computation (always 1).", "from", "to", "step", "computed_at");

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TimeProvider time)
    {
        // The one wall-clock reading of the run: "now" in the flags, the future check and computed_at all use it.
        var wallClock = time.GetUtcNow();
        if (!BackfillArguments.TryParse(arguments, wallClock, out var args, out var error))
        {
            return Fail(ExitCodes.Invalid, error);
        }

        // Event metrics come from their SQL definitions: the activity index only moves forward in time. The two sources
        // serve identical values (the differential tests prove it), so the history is the same either way.
        var settings = ExporterConfiguration.Load([.. args.Configuration, $"--EventMetrics:Source={EventMetricsSource.Sql}"]);
        if (settings.Errors.Count > 0)
        {
            return Help.ConfigurationErrors(settings.Errors);
        }

        if (settings.Options.AsOf is not null)
        {
            return Fail(ExitCodes.Invalid, "config: AsOf: backfill takes its instants from --from, --to and --step; unset AsOf");
        }

        await using var services = StandaloneServices.Build(settings);
        if (!BackfillSteps.TryCreate(args.From, args.To, args.Step, wallClock, out var steps, out error))
        {
            return Fail(ExitCodes.Invalid, error);
        }

        var options = settings.Options;
        var runner = services.GetRequiredService<IQueryRunner>();
        var collectors = Backfillable(services.GetServices<IMetricCollector>().Where(c => options.For(c.Name).Enabled));

        var history = new BackfillHistory();
        try
        {
            collectors = await WithContractAsync(runner, options, collectors);
            await ComputeAsync(runner, options, collectors, steps, history);
        }
        catch (BackfillFailure failure)
        {
            return Fail(failure.ExitCode, failure.Message);
        }
        catch (NpgsqlException e)
        {
            return Fail(ExitCodes.Failed, $"database: {FailureText.Of(e)}");
        }

        var info = Info.Sample(1, $"{steps.First:O}", $"{steps.Last:O}", args.Step.ToString("c", System.Globalization.CultureInfo.InvariantCulture), $"{wallClock:O}");
        foreach (var at in steps.Instants())
        {
            history.Add(at, [info]);
        }

        await WriteAsync(history, args.Output, [("job", args.Job), ("instance", Instance)]);
        await Console.Error.WriteLineAsync(
            $"saas-exporter: backfill: {history.Samples} samples of {history.Families.Count} families at {steps.Count} instants (job {args.Job}, instance {Instance}) from {steps.First:O} to {steps.Last:O} every {steps.Step}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The collectors whose past values are a function of the instant: a custom query without <c>@now</c> reads only
    /// the present, and a histogram adds each poll's rows to what earlier polls observed, so neither has a past value.
    /// </summary>
    private static List<IMetricCollector> Backfillable(IEnumerable<IMetricCollector> collectors)
    {
        var result = new List<IMetricCollector>();
        foreach (var collector in collectors)
        {
            if (collector is CustomSqlCollector custom && !NowParameter().IsMatch(custom.Definition.Sql))
            {
                Console.Error.WriteLine($"saas-exporter: backfill: collector {collector.Name} skipped: its sql does not use @now, so its past values cannot be computed");
                continue;
            }

            foreach (var histogram in collector.Families.Where(f => f.Type == MetricType.Histogram))
            {
                Console.Error.WriteLine($"saas-exporter: backfill: metric {histogram.Name} of collector {collector.Name} skipped: a histogram accumulates polls and has no value at a past instant");
            }

            result.Add(collector);
        }

        return result;
    }

    /// <summary>Checks each collector's relations once, as a poll does: a missing optional relation skips the collector.</summary>
    private static async Task<List<IMetricCollector>> WithContractAsync(IQueryRunner runner, ExporterOptions options, List<IMetricCollector> collectors)
    {
        var kept = new List<IMetricCollector>();
        foreach (var collector in collectors)
        {
            var problems = await runner.RunAsync(TimeSpan.FromSeconds(30),
                (db, ct) => ContractChecker.CheckAsync(db, options.Database.Schema, collector.Relations, ct), CancellationToken.None);
            var missingOptional = problems.FirstOrDefault(p => p.OptionalMissing);
            if (missingOptional is not null)
            {
                await Console.Error.WriteLineAsync($"saas-exporter: backfill: collector {collector.Name} skipped: {missingOptional}");
                continue;
            }

            if (problems.Count > 0)
            {
                throw new BackfillFailure(ExitCodes.Invalid, $"contract: collector {collector.Name}: {string.Join("; ", problems)}");
            }

            kept.Add(collector);
        }

        return kept;
    }

    private static async Task ComputeAsync(IQueryRunner runner, ExporterOptions options, List<IMetricCollector> collectors, BackfillSteps steps, BackfillHistory history)
    {
        var clock = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
        var done = 0;
        foreach (var at in steps.Instants())
        {
            foreach (var collector in collectors)
            {
                var timeout = options.For(collector.Name).Timeout;
                CollectorResult result;
                try
                {
                    result = await runner.RunAsync(timeout, (db, ct) => collector.CollectAsync(at, db, ct), CancellationToken.None);
                }
                catch (Exception e) when (e is not NpgsqlException || e is PostgresException)
                {
                    throw new BackfillFailure(ExitCodes.Failed, $"collector {collector.Name} at {at:O}: {FailureText.Of(e)}");
                }

                history.Add(at, result.Samples.Where(s => s.Family.Type != MetricType.Histogram));
            }

            done++;
            if (clock.Elapsed - reported >= ProgressEvery && done < steps.Count)
            {
                reported = clock.Elapsed;
                var rate = done / clock.Elapsed.TotalSeconds;
                var left = TimeSpan.FromSeconds(Math.Round((steps.Count - done) / rate));
                await Console.Error.WriteLineAsync($"saas-exporter: backfill: {done}/{steps.Count} steps, {rate:0.0} steps/s, about {left} left");
            }
        }
    }

    /// <summary>To a file through a temporary file renamed at the end, so a failed run never leaves half a history.</summary>
    private static async Task WriteAsync(BackfillHistory history, string? output, (string Name, string Value)[] target)
    {
        if (output is null)
        {
            await using var stdout = new StreamWriter(Console.OpenStandardOutput()) { NewLine = "\n" };
            await OpenMetricsWriter.WriteAsync(history, target, stdout, CancellationToken.None);
            return;
        }

        var temporary = output + ".partial";
        await using (var file = new StreamWriter(temporary) { NewLine = "\n" })
        {
            await OpenMetricsWriter.WriteAsync(history, target, file, CancellationToken.None);
        }

        File.Move(temporary, output, overwrite: true);
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"saas-exporter: backfill: {message.ReplaceLineEndings(" ")}");
        return exitCode;
    }

    [GeneratedRegex(@"@now\b", RegexOptions.CultureInvariant)]
    private static partial Regex NowParameter();

    private sealed class BackfillFailure(int exitCode, string message) : Exception(message)
    {
        public int ExitCode { get; } = exitCode;
    }
}
