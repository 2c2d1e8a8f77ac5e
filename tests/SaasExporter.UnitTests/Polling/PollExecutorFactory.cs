using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Polling;
using SaasExporter.Publishing;

namespace SaasExporter.UnitTests.Polling;

/// <summary>A PollExecutor wired to a substituted query runner, with its registry exposed for assertions.</summary>
internal sealed class PollExecutorFactory
{
    public PollExecutorFactory(IQueryRunner runner, TimeProvider time, ResiliencePipeline? pipeline = null, ExporterOptions? options = null)
    {
        Options = options ?? new ExporterOptions();
        Options.ApplyDefaults();
        Registry = Metrics.NewCustomRegistry();
        Publisher = new MetricPublisher(Registry);
        Self = new SelfMetrics(Registry);
        Board = new CollectorStatusBoard();
        var wrapped = Microsoft.Extensions.Options.Options.Create(Options);
        Executor = new PollExecutor(runner, pipeline ?? ResiliencePipeline.Empty, Publisher, Self, Board,
            new EvaluationClock(wrapped, time), time, wrapped, NullLogger<PollExecutor>.Instance);
    }

    public ExporterOptions Options { get; }

    public CollectorRegistry Registry { get; }

    public MetricPublisher Publisher { get; }

    public SelfMetrics Self { get; }

    public CollectorStatusBoard Board { get; }

    public PollExecutor Executor { get; }

    public void Register(IMetricCollector collector)
    {
        Publisher.Register(collector);
        Self.Declare(collector.Name, enabled: true, Options.For(collector.Name).Interval);
        Board.Declare(collector.Name, enabled: true);
    }

    public async Task<string> ExportAsync()
    {
        using var stream = new MemoryStream();
        await Publisher.ExportAsTextAsync(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Returns(IQueryRunner runner, params Sample[] samples) =>
        runner.RunAsync(Arg.Any<TimeSpan>(), Arg.Any<Func<IDbSession, CancellationToken, Task<CollectorResult>>>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromResult(new CollectorResult(samples)));
}
