using System.Diagnostics;
using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Reliability;

/// <summary>
/// Scrapes /metrics in the background while a fault is injected, and keeps the evidence: every scrape that failed,
/// and every business series that differed from the healthy baseline (a changed value, a missing series or a new
/// one). With AsOf pinned and the data unchanged, a correct exporter publishes the baseline or nothing at all.
/// </summary>
internal sealed class ScrapeWatch : IAsyncDisposable
{
    private readonly ExporterUnderTest _exporter;
    private readonly IReadOnlyDictionary<string, double>? _baseline;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _wrong = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private Exposition? _latest;
    private int _scrapes;

    /// <param name="exporter">The exporter to scrape.</param>
    /// <param name="baseline">The healthy business series; null when nothing was published yet (start while down):
    /// then every value seen is kept, to be judged by <see cref="WrongAgainst"/> once the baseline is known.</param>
    public ScrapeWatch(ExporterUnderTest exporter, IReadOnlyDictionary<string, double>? baseline)
    {
        _exporter = exporter;
        _baseline = baseline;
        _loop = RunAsync();
    }

    public int Scrapes => Volatile.Read(ref _scrapes);

    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) { return [.. _errors]; } }
    }

    public IReadOnlyCollection<string> WrongSeries
    {
        get { lock (_wrong) { return [.. _wrong]; } }
    }

    /// <summary>For a watch started without a baseline: every series value seen that differs from the final one.</summary>
    public IReadOnlyCollection<string> WrongAgainst(IReadOnlyDictionary<string, double> baseline)
    {
        lock (_wrong)
        {
            return [.. _wrong.Select(w => w.Split(" = ")).Where(p => !baseline.TryGetValue(p[0], out var b) || b.ToString("R", CultureInfo.InvariantCulture) != p[1])
                .Select(p => $"{p[0]} = {p[1]}")];
        }
    }

    /// <summary>Waits until a scrape satisfies the condition; returns how long that took from this call.</summary>
    public async Task<TimeSpan> WaitForAsync(Func<Exposition, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var seen = Scrapes;
        while (clock.Elapsed < timeout)
        {
            // Only a scrape that started after this call counts.
            if (Scrapes > seen + 1 && Volatile.Read(ref _latest) is { } latest && condition(latest))
            {
                return clock.Elapsed;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"not observed within {timeout}: {what}");
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var exposition = await _exporter.ScrapeAsync();
                Check(exposition);
                Volatile.Write(ref _latest, exposition);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                lock (_errors)
                {
                    _errors.Add(e.Message);
                }
            }

            Interlocked.Increment(ref _scrapes);
            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Check(Exposition exposition)
    {
        var business = SmallProductDataset.BusinessSeries(exposition);
        IEnumerable<string> wrong = _baseline is null
            ? business.Select(s => $"{s.Key} = {s.Value.ToString("R", CultureInfo.InvariantCulture)}")
            : business.Where(s => !_baseline.TryGetValue(s.Key, out var b) || b != s.Value).Select(s => $"{s.Key} = {s.Value}")
                .Concat(_baseline.Keys.Where(k => !business.ContainsKey(k)).Select(k => $"{k} missing"));
        lock (_wrong)
        {
            _wrong.UnionWith(wrong);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
