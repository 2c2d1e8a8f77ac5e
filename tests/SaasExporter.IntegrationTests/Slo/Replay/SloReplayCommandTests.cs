using System.Text.Json;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;
using static SaasExporter.IntegrationTests.Slo.Replay.SloReplayHistory;

namespace SaasExporter.IntegrationTests.Slo.Replay;

/// <summary>
/// <c>saas-exporter slo replay</c> against a real Prometheus holding a constructed history (<see cref="SloReplayHistory"/>):
/// the months, budgets and firings it reports are the ones constructed, worked out by hand below.
/// </summary>
public sealed class SloReplayCommandTests(SloReplayHistory history) : IClassFixture<SloReplayHistory>
{
    private static readonly DateTimeOffset February = Utc("2026-02-01T00:00:00Z");

    [Fact]
    public async Task Replay_OfAConstructedBreach_ReportsTheMonthsAttainmentAndBudgetConstructed()
    {
        var objective = await ReplayedObjectiveAsync();

        // Every 5-minute evaluation is counted; the bad week's 7 x 288 evaluations are the bad ones of January.
        var january = (February - From) / Step;
        var februaryCount = (To - February) / Step;
        var badInJanuary = (BadWeek.To - BadWeek.From) / Step;
        var badInFebruary = (BadBurst.To - BadBurst.From) / Step;
        var months = objective.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(["2026-01", "2026-02"], months.Select(m => m.GetProperty("month").GetString()));
        AssertMonth(months[0], total: january, bad: badInJanuary, met: false);
        AssertMonth(months[1], total: februaryCount, bad: badInFebruary, met: true);
        Assert.Equal(8928, january);
        Assert.Equal(2016, badInJanuary);
    }

    [Fact]
    public async Task Replay_OfAConstructedBreach_ReportsEachTiersFiringsHonouringFor()
    {
        var objective = await ReplayedObjectiveAsync();

        // fast (1d/2h, 2.2 x 0.1 = 0.22): on January 10 at 00:00 + 5m x m, the 25 samples of the 2h window hold
        // m + 1 bad ones (above 0.22 from m = 5) and the 289 of the 1d window m + 1 (above 0.22 from m + 1 = 64, at
        // 05:15): pending at 05:15, firing after for: 1h at 06:15. On January 17 at 00:00 + 5m x m the 2h window holds
        // 24 - m bad samples, 5 of 25 = 0.2 at m = 19: resolved at 01:35.
        AssertFirings(Tier(objective, "fast"),
            ("2026-01", "2026-01-10T05:15:00Z", "2026-01-10T06:15:00Z", "2026-01-17T01:35:00Z"));

        // burst (1h/5m, 5 x 0.1 = 0.5, no for:): the 5m window's 2 samples are both bad from 00:05, the 1h window's
        // 13 samples hold 7 bad ones (above 0.5) at 00:30; the first good sample leaves the 5m window at 1 of 2 = 0.5,
        // not above: resolved at the first good evaluation. The same in February's three-hour burst.
        AssertFirings(Tier(objective, "burst"),
            ("2026-01", "2026-01-10T00:30:00Z", "2026-01-10T00:30:00Z", "2026-01-17T00:00:00Z"),
            ("2026-02", "2026-02-14T10:30:00Z", "2026-02-14T10:30:00Z", "2026-02-14T13:00:00Z"));
        Assert.Equal([1, 0], MonthlyCounts(Tier(objective, "fast")));
        Assert.Equal([1, 1], MonthlyCounts(Tier(objective, "burst")));
    }

    [Fact]
    public async Task Replay_TierFiringInAMonthThatMetTheObjective_IsFlaggedAsTheObjectivesProblem()
    {
        var objective = await ReplayedObjectiveAsync();

        Assert.Equal(["2026-02"], Tier(objective, "burst").GetProperty("healthyMonthPages").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("would page on a healthy month: tighten the tier or the objective", Tier(objective, "burst").GetProperty("problem").GetString());
        // January missed its objective: the bad week's firings are the on-call's business.
        Assert.Empty(Tier(objective, "fast").GetProperty("healthyMonthPages").EnumerateArray());
        Assert.False(Tier(objective, "fast").TryGetProperty("problem", out _));
    }

    [Fact]
    public async Task Replay_OfPollCounters_ReportsTheEventsAndFiringsConstructedWithTheRulesIncrease()
    {
        var objective = await ReplayedObjectiveAsync("replayed-polls", history.CounterSloDirectory);

        // 10 polls per 5 minutes; a month counts the intervals ending in (start, end]: January's 8928 intervals hold the
        // bad week's 2016, February's 8064 the burst's 36. Counter samples lie on both ends of every window, so
        // Prometheus' increase() is the exact difference.
        Assert.Equal("events", objective.GetProperty("unit").GetString());
        var months = objective.GetProperty("months").EnumerateArray().ToList();
        AssertMonth(months[0], total: 89280, bad: 20160, met: false);
        AssertMonth(months[1], total: 80640, bad: 360, met: true);

        // burst (1h/5m, 0.5): the 5m window holds the one interval ending at t, bad from January 10 00:00; the 1h
        // window's 12 intervals hold 7 bad ones (above 0.5) at 00:30; the interval ending January 17 00:00 succeeded.
        AssertFirings(Tier(objective, "burst"),
            ("2026-01", "2026-01-10T00:30:00Z", "2026-01-10T00:30:00Z", "2026-01-17T00:00:00Z"),
            ("2026-02", "2026-02-14T10:30:00Z", "2026-02-14T10:30:00Z", "2026-02-14T13:00:00Z"));
        Assert.Equal(["2026-02"], Tier(objective, "burst").GetProperty("healthyMonthPages").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Replay_AsMarkdown_PrintsTheMonthsTheTiersAndTheFlagForAPerson()
    {
        var result = await RunAsync([]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        // 6912 / 8928 = 77.419%, budget left 1 - (2016 / 8928) / 0.1 = -125.806%; 8028 / 8064 = 99.554%, 1 - (36 / 8064) / 0.1 = 95.536%.
        Assert.Contains("| 2026-01 | 8928 | 77.419% | missed | -125.806% |", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("| 2026-02 | 8064 | 99.554% | met | 95.536% |", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("| fast | ticket | 1d/2h x2.2 | 0.22 | 1h | 2026-01 | 1 | 2026-01-10T06:15:00Z (6d 19h 20m) |", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("| burst | page | 1h/5m x5 | 0.5 | - | 2026-02 | 1 | 2026-02-14T10:30:00Z (2h 30m) |", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("**burst would page on a healthy month: tighten the tier or the objective.** 2026-02 met the objective (99.554%) yet the page tier fired 1 time(s).", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("**fast would page", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_OverARangeWithoutData_FailsWithOneLineAndExitCode2()
    {
        var result = await RunAsync([], from: "2025-06-01T00:00:00Z", to: "2025-07-01T00:00:00Z");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            [$"saas-exporter: slo replay: no data from 2025-06-01T00:00:00Z to 2025-07-01T00:00:00Z in Prometheus at {history.Prometheus} for any of the 1 SLOs of {history.SloDirectory}"],
            result.StderrLines);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Replay_WithPrometheusUnreachable_FailsWithOneLineAndExitCode2()
    {
        var nobody = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");

        var result = await RunAsync([], prometheus: nobody);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"saas-exporter: slo replay: cannot reach Prometheus at {nobody}: ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday", "2026-03-01T00:00:00Z", "saas-exporter: slo replay: --from = 'yesterday': not an ISO-8601 instant such as 2026-01-01T00:00:00Z, now or now-90d")]
    [InlineData("2026-01-01T00:00:00Z", "2026-13-01", "saas-exporter: slo replay: --to = '2026-13-01': not an ISO-8601 instant such as 2026-04-01T00:00:00Z, now or now-1d")]
    [InlineData("2026-03-01T00:00:00Z", "2026-01-01T00:00:00Z", "saas-exporter: slo replay: --from 2026-03-01T00:00:00Z is not before --to 2026-01-01T00:00:00Z")]
    public async Task Replay_WithBadInstants_FailsWithOneLineAndExitCode2(string from, string to, string expected)
    {
        var result = await RunAsync([], from: from, to: to);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([expected], result.StderrLines);
    }

    private static void AssertMonth(JsonElement month, double total, double bad, bool met)
    {
        Assert.Equal(total, month.GetProperty("total").GetDouble());
        Assert.Equal(total - bad, month.GetProperty("good").GetDouble());
        Assert.Equal((total - bad) / total, month.GetProperty("attainment").GetDouble(), 12);
        Assert.Equal(1 - (bad / total / 0.1), month.GetProperty("errorBudgetLeft").GetDouble(), 12);
        Assert.Equal(met, month.GetProperty("met").GetBoolean());
        Assert.False(month.GetProperty("partial").GetBoolean());
    }

    private static void AssertFirings(JsonElement tier, params (string Month, string PendingSince, string Start, string End)[] expected)
    {
        var firings = tier.GetProperty("firings").EnumerateArray().ToList();
        Assert.Equal(expected, firings.Select(f => (
            f.GetProperty("month").GetString()!, f.GetProperty("pendingSince").GetString()!, f.GetProperty("start").GetString()!, f.GetProperty("end").GetString()!)));
        Assert.Equal(
            expected.Select(e => (Utc(e.End) - Utc(e.Start)).TotalSeconds),
            firings.Select(f => f.GetProperty("durationSeconds").GetDouble()));
        Assert.All(firings, f => Assert.False(f.GetProperty("ongoing").GetBoolean()));
    }

    private static int[] MonthlyCounts(JsonElement tier) => [.. tier.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("firings").GetInt32())];

    private static JsonElement Tier(JsonElement objective, string name) =>
        objective.GetProperty("tiers").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);

    private async Task<JsonElement> ReplayedObjectiveAsync(string name = "replayed-dau", string? slos = null)
    {
        var result = await RunAsync(["--json"], slos: slos);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var document = JsonDocument.Parse(result.Stdout);
        var objective = Assert.Single(document.RootElement.GetProperty("objectives").EnumerateArray());
        Assert.Equal(name, objective.GetProperty("name").GetString());
        return objective.Clone();
    }

    private Task<ExporterProcess.Result> RunAsync(string[] extra, string? from = null, string? to = null, Uri? prometheus = null, string? slos = null) =>
        ExporterProcess.RunAsync(
        [
            "slo", "replay",
            "--from", from ?? Iso(From),
            "--to", to ?? Iso(To),
            "--in", slos ?? history.SloDirectory,
            "--prometheus", (prometheus ?? history.Prometheus).ToString(),
            "--step", "5m",
            .. extra,
        ]);
}
