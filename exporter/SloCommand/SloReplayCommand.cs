using SaasExporter.Hosting;
using SaasExporter.Slo.Replay;

namespace SaasExporter.Slo;

/// <summary>
/// <c>saas-exporter slo replay --from INSTANT --to INSTANT [--in DIR] [--prometheus URL] [--step DURATION] [--json]</c>:
/// would each objective of the OpenSLO files have been met, month by month, and how often would each of its tiers
/// have fired, over the history in a Prometheus (docs/slo-replay.md). Every failure is one line and exit code 2.
/// </summary>
internal static class SloReplayCommand
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromMinutes(2);

    public static Task<int> RunAsync(IReadOnlyList<string> arguments, TimeProvider time) =>
        RunAsync(arguments, Directory.GetCurrentDirectory(), time, Console.Out, Console.Error, CancellationToken.None);

    public static async Task<int> RunAsync(
        IReadOnlyList<string> arguments, string baseDirectory, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!ReplayArguments.TryParse(arguments, time.GetUtcNow(), out var args, out var problem))
        {
            return Fail(error, problem);
        }

        var diagnostics = new Diagnostics();
        var slos = SloGenerator.Plan(baseDirectory, args.Input, diagnostics);
        foreach (var line in diagnostics.Errors)
        {
            error.WriteLine($"error: {line}");
        }

        if (diagnostics.Errors.Count > 0)
        {
            return Fail(error, $"{diagnostics.Errors.Count} error(s) in the OpenSLO files of {args.Input}; nothing replayed");
        }

        using var client = new HttpClient { Timeout = QueryTimeout };
        ReplayReport report;
        try
        {
            report = await SloReplayer.ReplayAsync(slos, args.From, args.To, args.Step, new PrometheusRangeReader(client, args.Prometheus), cancellationToken);
        }
        catch (ReplayException e)
        {
            return Fail(error, e.Message);
        }

        if (report.Objectives.All(o => !o.HasData))
        {
            return Fail(error,
                $"no data from {ReplayText.Instant(args.From)} to {ReplayText.Instant(args.To)} in Prometheus at {args.Prometheus} for any of the {slos.Count} SLOs of {args.Input}");
        }

        await output.WriteAsync(args.Json ? ReplayJson.Write(report) : ReplayMarkdown.Write(report));
        return ExitCodes.Ok;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"saas-exporter: slo replay: {message}");
        return ExitCodes.Invalid;
    }
}
