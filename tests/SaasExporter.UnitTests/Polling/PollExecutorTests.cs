using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NSubstitute.ExceptionExtensions;
using SaasExporter.Collectors;
using SaasExporter.Database;
using SaasExporter.Polling;

namespace SaasExporter.UnitTests.Polling;

public sealed class PollExecutorTests
{
    private readonly IQueryRunner _runner = Substitute.For<IQueryRunner>();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-06-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly TestCollector _collector = new();

    private static NpgsqlException ConnectionRefused() =>
        new("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

    private Task<CollectorResult> Query() =>
        _runner.RunAsync(Arg.Any<TimeSpan>(), Arg.Any<Func<IDbSession, CancellationToken, Task<CollectorResult>>>(), Arg.Any<CancellationToken>());

    [Fact]
    public async Task Poll_WhenQuerySucceeds_PublishesValuesAndMarksCollectorUp()
    {
        var factory = new PollExecutorFactory(_runner, _time);
        factory.Register(_collector);
        PollExecutorFactory.Returns(_runner, TestCollector.Users.Sample(42, "7d"));

        var outcome = await factory.Executor.PollAsync(_collector, CancellationToken.None);
        var text = await factory.ExportAsync();

        Assert.Equal(PollOutcome.Succeeded, outcome);
        Assert.Contains("saas_test_users{window=\"7d\"} 42", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_collector_up{collector=\"test\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_collector_last_success_timestamp_seconds{collector=\"test\"} 1781092800", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_database_up 1", text, StringComparison.Ordinal);
        Assert.True(factory.Board.IsReady);
    }

    [Fact]
    public async Task FirstSuccess_IsTheTimeFromStartToTheFirstSuccessfulPoll_AndKeepsIt()
    {
        var factory = new PollExecutorFactory(_runner, _time);
        factory.Register(_collector);
        _time.Advance(TimeSpan.FromSeconds(3));
        Query().ThrowsAsync(ConnectionRefused());
        await factory.Executor.PollAsync(_collector, CancellationToken.None);
        var afterFailure = await factory.ExportAsync();

        _time.Advance(TimeSpan.FromSeconds(4.5));
        PollExecutorFactory.Returns(_runner, TestCollector.Users.Sample(42, "7d"));
        await factory.Executor.PollAsync(_collector, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(60));
        await factory.Executor.PollAsync(_collector, CancellationToken.None);
        var text = await factory.ExportAsync();

        Assert.DoesNotContain("saas_exporter_collector_first_success_seconds{", afterFailure, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_collector_first_success_seconds{collector=\"test\"} 7.5", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_WhenDatabaseIsDown_KeepsLastValuesAndMarksCollectorDown()
    {
        var factory = new PollExecutorFactory(_runner, _time);
        factory.Register(_collector);
        PollExecutorFactory.Returns(_runner, TestCollector.Users.Sample(42, "7d"));
        await factory.Executor.PollAsync(_collector, CancellationToken.None);

        Query().ThrowsAsync(ConnectionRefused());
        _time.Advance(TimeSpan.FromMinutes(1));
        var outcome = await factory.Executor.PollAsync(_collector, CancellationToken.None);
        var text = await factory.ExportAsync();

        Assert.Equal(PollOutcome.Failed, outcome);
        Assert.Contains("saas_test_users{window=\"7d\"} 42", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_collector_up{collector=\"test\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_database_up 0", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_collector_last_success_timestamp_seconds{collector=\"test\"} 1781092800", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_collector_runs_total{collector=\"test\",result=\"failure\"} 1", text, StringComparison.Ordinal);
        Assert.Equal("Failed to connect to 127.0.0.1:5432 (Connection refused)", factory.Board.All.Single().LastError);
    }

    [Fact]
    public async Task Poll_WhenQueryErrors_KeepsDatabaseUpAndNamesTheError()
    {
        var factory = new PollExecutorFactory(_runner, _time);
        factory.Register(_collector);
        Query().ThrowsAsync(new PostgresException("relation \"events\" does not exist", "ERROR", "ERROR", "42P01"));

        var outcome = await factory.Executor.PollAsync(_collector, CancellationToken.None);
        var text = await factory.ExportAsync();

        Assert.Equal(PollOutcome.Failed, outcome);
        Assert.Contains("saas_exporter_database_up 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("saas_test_users{", text, StringComparison.Ordinal);
        Assert.Equal("42P01: relation \"events\" does not exist", factory.Board.All.Single().LastError);
        Assert.False(factory.Board.IsReady);
    }

    [Fact]
    public async Task Poll_TransientConnectionFailure_IsRetriedAndSucceeds()
    {
        var pipeline = DatabaseResilience.Build(TimeProvider.System, NullLogger.Instance);
        var factory = new PollExecutorFactory(_runner, _time, pipeline);
        factory.Register(_collector);
        Query().Returns(
            _ => Task.FromException<CollectorResult>(ConnectionRefused()),
            _ => Task.FromResult(new CollectorResult([TestCollector.Total.Sample(7)])));

        var outcome = await factory.Executor.PollAsync(_collector, CancellationToken.None);

        Assert.Equal(PollOutcome.Succeeded, outcome);
        await _runner.ReceivedWithAnyArgs(2).RunAsync<CollectorResult>(default, default!, default);
    }

    [Fact]
    public async Task Poll_QueryError_IsNotRetried()
    {
        var pipeline = DatabaseResilience.Build(TimeProvider.System, NullLogger.Instance);
        var factory = new PollExecutorFactory(_runner, _time, pipeline);
        factory.Register(_collector);
        Query().ThrowsAsync(new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", "57014"));

        await factory.Executor.PollAsync(_collector, CancellationToken.None);

        await _runner.ReceivedWithAnyArgs(1).RunAsync<CollectorResult>(default, default!, default);
    }

    [Fact]
    public async Task Poll_DatabaseDownForManyPolls_OpensTheCircuitAndStopsConnecting()
    {
        var pipeline = DatabaseResilience.Build(TimeProvider.System, NullLogger.Instance);
        var factory = new PollExecutorFactory(_runner, _time, pipeline);
        factory.Register(_collector);
        Query().ThrowsAsync(ConnectionRefused());

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(PollOutcome.Failed, await factory.Executor.PollAsync(_collector, CancellationToken.None));
        }

        // One poll and its two retries reach the database; then the open circuit fails the others without a connection.
        await _runner.ReceivedWithAnyArgs(3).RunAsync<CollectorResult>(default, default!, default);
        Assert.StartsWith("database unreachable, circuit open", factory.Board.All.Single().LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_RejectedRows_AreCountedByRelationAndReason()
    {
        var factory = new PollExecutorFactory(_runner, _time);
        factory.Register(_collector);
        Query().Returns(Task.FromResult(new CollectorResult([TestCollector.Total.Sample(1)], [new RejectedRows("subscriptions", "negative_mrr", 2)])));

        await factory.Executor.PollAsync(_collector, CancellationToken.None);
        await factory.Executor.PollAsync(_collector, CancellationToken.None);
        var text = await factory.ExportAsync();

        Assert.Contains("saas_exporter_rows_rejected_total{relation=\"subscriptions\",reason=\"negative_mrr\"} 4", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_InconsistentData_PublishesNothingAndCountsTheViolation()
    {
        var factory = new PollExecutorFactory(_runner, _time);
        factory.Register(_collector);
        PollExecutorFactory.Returns(_runner, TestCollector.Total.Sample(100));
        await factory.Executor.PollAsync(_collector, CancellationToken.None);

        Query().ThrowsAsync(new InconsistentDataException("mrr_movements", "MRR change 5 differs from the sum of movements 4"));
        var outcome = await factory.Executor.PollAsync(_collector, CancellationToken.None);
        var text = await factory.ExportAsync();

        Assert.Equal(PollOutcome.Failed, outcome);
        Assert.Contains("saas_test_total_users 100", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_identity_violations_total{collector=\"test\",identity=\"mrr_movements\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("saas_exporter_database_up 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_WhenAllSlotsAreTaken_WaitsForOneBeforeQuerying()
    {
        var options = new SaasExporter.Configuration.ExporterOptions();
        options.Database.MaxConcurrentPolls = 1;
        var factory = new PollExecutorFactory(_runner, _time, options: options);
        var other = new TestCollector("other");
        factory.Register(_collector);
        factory.Register(other);
        var first = new TaskCompletionSource<CollectorResult>();
        var queries = 0;
        Query().Returns(_ => Interlocked.Increment(ref queries) == 1 ? first.Task : Task.FromResult(new CollectorResult([])));

        var polling = factory.Executor.PollAsync(_collector, CancellationToken.None);
        var waiting = factory.Executor.PollAsync(other, CancellationToken.None);
        await Task.Delay(50);
        var queriesWhileFirstRuns = Volatile.Read(ref queries);
        first.SetResult(new CollectorResult([]));
        await Task.WhenAll(polling, waiting);

        Assert.Equal(1, queriesWhileFirstRuns);
        Assert.Equal(2, queries);
        Assert.Equal(PollOutcome.Succeeded, await waiting);
    }

    [Fact]
    public async Task Poll_WithTwoSlots_RunsTwoCollectorsAtOnce()
    {
        var options = new SaasExporter.Configuration.ExporterOptions();
        options.Database.MaxConcurrentPolls = 2;
        var factory = new PollExecutorFactory(_runner, _time, options: options);
        var other = new TestCollector("other");
        factory.Register(_collector);
        factory.Register(other);
        var release = new TaskCompletionSource<CollectorResult>();
        var bothStarted = new TaskCompletionSource();
        var queries = 0;
        Query().Returns(_ =>
        {
            if (Interlocked.Increment(ref queries) == 2)
            {
                bothStarted.SetResult();
            }

            return release.Task;
        });

        var polls = Task.WhenAll(factory.Executor.PollAsync(_collector, CancellationToken.None), factory.Executor.PollAsync(other, CancellationToken.None));
        await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult(new CollectorResult([]));

        Assert.All(await polls, outcome => Assert.Equal(PollOutcome.Succeeded, outcome));
    }
}
