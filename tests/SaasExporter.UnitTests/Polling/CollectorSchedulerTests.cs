using Microsoft.Extensions.Time.Testing;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Polling;

namespace SaasExporter.UnitTests.Polling;

public sealed class CollectorSchedulerTests
{
    private static readonly TimeSpan FastTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SlowTimeout = TimeSpan.FromSeconds(50);

    /// <summary>
    /// Waits on the real clock for the scheduler's own task to catch up with the fake one. The bound only matters when
    /// the condition never comes; it is generous because a loaded CI machine can starve the scheduler for seconds.
    /// </summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "condition not reached");
    }

    [Fact]
    public async Task Scheduler_SlowCollector_NeverDelaysAnother()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-06-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var runner = Substitute.For<IQueryRunner>();
        var fastPolls = 0;
        var slowPolls = 0;
        // The two collectors are told apart by their statement timeouts; the slow one hangs until cancelled.
        runner.RunAsync(FastTimeout, Arg.Any<Func<IDbSession, CancellationToken, Task<CollectorResult>>>(), Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                Interlocked.Increment(ref fastPolls);
                return Task.FromResult(new CollectorResult([]));
            });
        runner.RunAsync(SlowTimeout, Arg.Any<Func<IDbSession, CancellationToken, Task<CollectorResult>>>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                Interlocked.Increment(ref slowPolls);
                await Task.Delay(Timeout.Infinite, call.ArgAt<CancellationToken>(2));
                return new CollectorResult([]);
            });
        var options = new ExporterOptions();
        options.Collectors["fast"] = new CollectorOptions { Interval = TimeSpan.FromMinutes(1), Timeout = FastTimeout };
        options.Collectors["slow"] = new CollectorOptions { Interval = TimeSpan.FromMinutes(1), Timeout = SlowTimeout };
        var factory = new PollExecutorFactory(runner, time, options: options);
        var fast = new TestCollector("fast");
        var slow = new TestCollector("slow");
        factory.Register(fast);
        factory.Register(slow);
        using var scheduler = new CollectorScheduler([fast, slow], factory.Executor, Microsoft.Extensions.Options.Options.Create(factory.Options), time);

        await scheduler.StartAsync(CancellationToken.None);
        await WaitForAsync(() => fastPolls == 1 && slowPolls == 1);
        // Three minutes (and a margin) of fake time in one-second steps, letting the loops run between steps.
        for (var second = 1; second <= 185; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        await WaitForAsync(() => fastPolls == 4); // at 0, 60, 120 and 180 s: never held up by the slow collector

        // Meanwhile the slow poll timed out twice (50 s plus a 2 s grace) and was retried 30 s after each failure.
        await WaitForAsync(() => slowPolls >= 3);
        await scheduler.StopAsync(CancellationToken.None);

        Assert.Equal(4, fastPolls);
        Assert.Equal(3, slowPolls);
        Assert.Equal("timed out after 00:00:50", factory.Board.All.Single(s => s.Collector == "slow").LastError);
    }

    [Fact]
    public async Task Scheduler_FailingCollector_CountsOneScheduledPollPerInterval_NotEveryRetry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-06-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var runner = Substitute.For<IQueryRunner>();
        var polls = 0;
        var failing = true;
        runner.RunAsync(Arg.Any<TimeSpan>(), Arg.Any<Func<IDbSession, CancellationToken, Task<CollectorResult>>>(), Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                Interlocked.Increment(ref polls);
                return Volatile.Read(ref failing)
                    ? Task.FromException<CollectorResult>(new InvalidOperationException("relation \"contacts\" does not exist"))
                    : Task.FromResult(new CollectorResult([]));
            });
        var options = new ExporterOptions();
        options.Collectors["custom"] = new CollectorOptions { Interval = TimeSpan.FromMinutes(15), Timeout = FastTimeout };
        var factory = new PollExecutorFactory(runner, time, options: options);
        var collector = new TestCollector("custom");
        factory.Register(collector);
        using var scheduler = new CollectorScheduler([collector], factory.Executor, Microsoft.Extensions.Options.Options.Create(factory.Options), time);

        await scheduler.StartAsync(CancellationToken.None);
        await WaitForAsync(() => polls == 1);
        // One hour failing: a retry every 30 s (polls at 0, 30, ..., 3570 s), four fifteen-minute intervals.
        for (var poll = 2; poll <= 120; poll++)
        {
            time.Advance(CollectorScheduler.RetryAfterFailure);
            await WaitForAsync(() => Volatile.Read(ref polls) == poll);
        }

        // Then it recovers: the retry at 3600 s succeeds.
        Volatile.Write(ref failing, false);
        time.Advance(CollectorScheduler.RetryAfterFailure);
        await WaitForAsync(() => factory.Self.ScheduledPolls.WithLabels("custom", "success").Value == 1);
        await scheduler.StopAsync(CancellationToken.None);
        var text = await factory.ExportAsync();

        Assert.Contains("saas_exporter_collector_scheduled_polls_total{collector=\"custom\",result=\"failure\"} 4", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_collector_scheduled_polls_total{collector=\"custom\",result=\"success\"} 1", text, StringComparison.Ordinal);
        Assert.Matches("saas_exporter_collector_runs_total\\{collector=\"custom\",result=\"failure\"\\} 12[01]", text);
    }

    /// <summary>
    /// Issue 23 item 14: recovery after connection-slot exhaustion took 53 s against the documented 15-45 s. A poll
    /// refused by the open circuit waited a whole 30 s retry period again; a poll that could not reach the database now
    /// comes back after the circuit's 15 s pause, a query error still after 30 s.
    /// </summary>
    [Fact]
    public async Task Scheduler_DatabaseUnreachable_RetriesAfterTheCircuitPause_QueryErrorsAfterTheRetryPeriod()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-06-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var runner = Substitute.For<IQueryRunner>();
        var polls = new Dictionary<TimeSpan, List<TimeSpan>> { [FastTimeout] = [], [SlowTimeout] = [] };
        var started = time.GetTimestamp();
        runner.RunAsync(Arg.Any<TimeSpan>(), Arg.Any<Func<IDbSession, CancellationToken, Task<CollectorResult>>>(), Arg.Any<CancellationToken>())
            .Returns(call =>
            {
                var timeout = call.ArgAt<TimeSpan>(0);
                lock (polls)
                {
                    polls[timeout].Add(time.GetElapsedTime(started));
                }

                // The fast-timeout collector cannot connect; the other one's query fails on a live server.
                return Task.FromException<CollectorResult>(timeout == FastTimeout
                    ? new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))
                    : new InvalidOperationException("division by zero"));
            });
        var options = new ExporterOptions();
        options.Collectors["down"] = new CollectorOptions { Interval = TimeSpan.FromMinutes(5), Timeout = FastTimeout };
        options.Collectors["broken"] = new CollectorOptions { Interval = TimeSpan.FromMinutes(5), Timeout = SlowTimeout };
        var factory = new PollExecutorFactory(runner, time, options: options);
        var down = new TestCollector("down");
        var broken = new TestCollector("broken");
        factory.Register(down);
        factory.Register(broken);
        using var scheduler = new CollectorScheduler([down, broken], factory.Executor, Microsoft.Extensions.Options.Options.Create(factory.Options), time);

        await scheduler.StartAsync(CancellationToken.None);
        bool Enough()
        {
            lock (polls)
            {
                return polls[FastTimeout].Count >= 4 && polls[SlowTimeout].Count >= 2;
            }
        }

        // One fake second at a time, with a real pause for the loops to reach their next wait, until both have polled
        // enough (about 61 fake seconds; a loaded machine may need a few more, the gaps below are what is asserted).
        for (var second = 1; second <= 180 && !Enough(); second++)
        {
            await Task.Delay(50);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await WaitForAsync(Enough);
        await scheduler.StopAsync(CancellationToken.None);

        // Gaps in fake seconds. A loop that has not reached its wait when the clock steps misses that step, which adds a
        // second each time (a few on a loaded machine); the pause (15 s) and the retry period (30 s) stay apart.
        lock (polls)
        {
            Assert.All(Gaps(polls[FastTimeout]), gap => Assert.InRange(gap, 15, 25));
            Assert.All(Gaps(polls[SlowTimeout]), gap => Assert.InRange(gap, 30, 40));
        }
    }

    private static IEnumerable<double> Gaps(List<TimeSpan> polls) => polls.Zip(polls.Skip(1), (a, b) => (b - a).TotalSeconds);
}
