using SaasExporter.Collectors;
using SaasExporter.Polling;
using SaasExporter.Publishing;

namespace SaasExporter.Hosting;

/// <summary>Polls every enabled collector once at AsOf (or now) and prints the exposition to stdout.</summary>
internal static class OnceCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var settings = ExporterConfiguration.Load(arguments);
        if (settings.Errors.Count > 0)
        {
            return Help.ConfigurationErrors(settings.Errors);
        }

        await using var services = StandaloneServices.Build(settings);
        var options = settings.Options;
        var executor = services.GetRequiredService<PollExecutor>();
        var board = services.GetRequiredService<CollectorStatusBoard>();
        var enabled = services.GetServices<IMetricCollector>().Where(c => options.For(c.Name).Enabled).ToList();

        var outcomes = await Task.WhenAll(enabled.Select(c => executor.PollAsync(c, CancellationToken.None)));

        await using (var stdout = Console.OpenStandardOutput())
        {
            await services.GetRequiredService<MetricPublisher>().ExportAsTextAsync(stdout, CancellationToken.None);
        }

        foreach (var status in board.All.Where(s => s.LastError is not null))
        {
            await Console.Error.WriteLineAsync($"saas-exporter: collector {status.Collector} failed: {status.LastError}");
        }

        return outcomes.Contains(PollOutcome.ContractViolated) ? ExitCodes.Invalid
            : outcomes.Contains(PollOutcome.Failed) ? ExitCodes.Failed
            : ExitCodes.Ok;
    }
}
