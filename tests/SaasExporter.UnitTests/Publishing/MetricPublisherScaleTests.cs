using System.Collections;
using System.Diagnostics;
using System.Text;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Database;
using SaasExporter.Publishing;

namespace SaasExporter.UnitTests.Publishing;

/// <summary>
/// Issue 23 item 2: a custom collector at max_series (100k) once took 23-27 s per publish (every old label set compared
/// with every new one) and held the gate every scrape waits on. Item 4: HELP text with a line feed broke the exposition.
/// </summary>
public sealed class MetricPublisherScaleTests
{
    private const int Series = 100_000;

    private static readonly MetricFamily Big = new("saas_test_big", "A 100k-series family.", "k");

    private sealed class FamilyCollector(params MetricFamily[] families) : IMetricCollector
    {
        public string Name => "big";

        public IReadOnlyList<MetricFamily> Families { get; } = families;

        public IReadOnlyList<string> Relations { get; } = [];

        public Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
            throw new NotSupportedException("samples are published directly");
    }

    /// <summary>Samples whose enumeration stops at the middle until released: a publish held mid-way.</summary>
    private sealed class HeldSamples(IReadOnlyList<Sample> samples) : IReadOnlyList<Sample>
    {
        public ManualResetEventSlim Reached { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Count => samples.Count;

        public Sample this[int index] => samples[index];

        public IEnumerator<Sample> GetEnumerator()
        {
            for (var i = 0; i < samples.Count; i++)
            {
                if (i == samples.Count / 2 && !Release.IsSet)
                {
                    Reached.Set();
                    Release.Wait(TimeSpan.FromSeconds(60));
                }

                yield return samples[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static List<Sample> Samples(int offset, double value) =>
        [.. Enumerable.Range(offset, Series).Select(i => Big.Sample(value, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];

    private static async Task<string> ExportAsync(MetricPublisher publisher)
    {
        using var stream = new MemoryStream();
        await publisher.ExportAsTextAsync(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Publish_HundredThousandSeriesReplacingHalfOfThem_TakesSecondsNotMinutes()
    {
        var collector = new FamilyCollector(Big);
        var publisher = new MetricPublisher(Metrics.NewCustomRegistry());
        publisher.Register(collector);
        publisher.Publish(collector, Samples(0, 1));

        // Half the label sets are new, half go stale: the pairwise comparison did 10^10 label comparisons here.
        var clock = Stopwatch.StartNew();
        publisher.Publish(collector, Samples(Series / 2, 2));
        clock.Stop();
        var text = await ExportAsync(publisher);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"publishing 100k series took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(Series, text.Split('\n').Count(l => l.StartsWith("saas_test_big{", StringComparison.Ordinal)));
        Assert.DoesNotContain("saas_test_big{k=\"0\"}", text, StringComparison.Ordinal);
        Assert.Contains("saas_test_big{k=\"149999\"} 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_WhileAPublishIsHeldMidWay_CompletesWithTheLastCompletePoll()
    {
        var collector = new FamilyCollector(Big);
        var publisher = new MetricPublisher(Metrics.NewCustomRegistry());
        publisher.Register(collector);
        publisher.Publish(collector, Samples(0, 1));
        var held = new HeldSamples(Samples(0, 2));

        var publishing = Task.Run(() => publisher.Publish(collector, held));
        Assert.True(held.Reached.Wait(TimeSpan.FromSeconds(60)), "the publish never reached the middle of its samples");
        var during = await ExportAsync(publisher).WaitAsync(TimeSpan.FromSeconds(60));
        held.Release.Set();
        await publishing;
        var after = await ExportAsync(publisher);

        Assert.False(publishing.IsFaulted);
        Assert.Contains("saas_test_big{k=\"99999\"} 1\n", during, StringComparison.Ordinal);
        Assert.DoesNotContain("} 2\n", during, StringComparison.Ordinal);
        Assert.Contains("saas_test_big{k=\"99999\"} 2\n", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryExport_WhileAnotherExportHoldsTheGate_ReturnsFalseAtOnce_AndRunsWhenItIsFree()
    {
        var publisher = new MetricPublisher(Metrics.NewCustomRegistry());
        var holding = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var held = publisher.ExportAsync(async () =>
        {
            holding.SetResult();
            await release.Task;
        }, CancellationToken.None);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var ran = false;
        var whileHeld = await publisher.TryExportAsync(() => { ran = true; return Task.CompletedTask; }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));
        var ranWhileHeld = ran;
        release.SetResult();
        await held;
        var afterwards = await publisher.TryExportAsync(() => { ran = true; return Task.CompletedTask; }, CancellationToken.None);

        Assert.False(whileHeld);
        Assert.False(ranWhileHeld);
        Assert.True(afterwards);
        Assert.True(ran);
    }

    [Fact]
    public async Task Register_HelpWithBackslashAndLineFeed_IsEscapedOnOneLine_LabelValuesToo()
    {
        var hostile = new MetricFamily("saas_test_hostile", "First line\nsaas_forged 1\nC:\\path", "k");
        var collector = new FamilyCollector(hostile);
        var publisher = new MetricPublisher(Metrics.NewCustomRegistry());
        publisher.Register(collector);

        publisher.Publish(collector, [hostile.Sample(1, "a \"quoted\" \\ back\nslash é 🚀")]);
        var text = await ExportAsync(publisher);

        Assert.Contains("# HELP saas_test_hostile First line\\nsaas_forged 1\\nC:\\\\path\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nsaas_forged", text, StringComparison.Ordinal);
        Assert.Contains("saas_test_hostile{k=\"a \\\"quoted\\\" \\\\ back\\nslash é 🚀\"} 1\n", text, StringComparison.Ordinal);
    }
}
