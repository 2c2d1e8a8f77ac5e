using System.Globalization;
using System.Text;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Slo.Replay;

/// <summary>
/// A constructed history with a known breach, loaded into a real Prometheus as backfilled history is: the DAU gauge
/// every 5 minutes through January and February 2026, 500 users (good: the SLO wants at least 100) except 0 during a
/// bad week (January 10 to 17) and a bad burst of three hours (February 14, 10:00 to 13:00). Written as OpenMetrics,
/// turned into blocks by promtool, served by Prometheus. The SLO (<see cref="Slo"/>) has two explicit tiers: a 1d/2h
/// ticket tier at 2.2x with <c>for: 1h</c> and a 1h/5m page tier at 5x. The poll counters
/// (<see cref="CounterSlo"/>, in <see cref="CounterSloDirectory"/>) count 10 polls every 5 minutes up to March 1
/// inclusive, all failed in the 5 minutes ending at a bad instant and all succeeded otherwise.
/// </summary>
public sealed class SloReplayHistory : IAsyncLifetime
{
    public static readonly DateTimeOffset From = Utc("2026-01-01T00:00:00Z");
    public static readonly DateTimeOffset To = Utc("2026-03-01T00:00:00Z");
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(5);
    public static readonly (DateTimeOffset From, DateTimeOffset To) BadWeek = (Utc("2026-01-10T00:00:00Z"), Utc("2026-01-17T00:00:00Z"));
    public static readonly (DateTimeOffset From, DateTimeOffset To) BadBurst = (Utc("2026-02-14T10:00:00Z"), Utc("2026-02-14T13:00:00Z"));

    public const string Slo = """
        apiVersion: openslo/v1
        kind: AlertCondition
        metadata:
          name: fast
        spec:
          severity: ticket
          condition:
            kind: burnrate
            op: gt
            threshold: 2.2
            lookbackWindow: 1d
            alertAfter: 1h
        ---
        apiVersion: openslo/v1
        kind: AlertCondition
        metadata:
          name: burst
        spec:
          severity: page
          condition:
            kind: burnrate
            op: gt
            threshold: 5
            lookbackWindow: 1h
        ---
        apiVersion: openslo/v1
        kind: AlertPolicy
        metadata:
          name: fast-policy
        spec:
          alertWhenBreaching: true
          conditions:
            - conditionRef: fast
        ---
        apiVersion: openslo/v1
        kind: AlertPolicy
        metadata:
          name: burst-policy
        spec:
          alertWhenBreaching: true
          conditions:
            - conditionRef: burst
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: replayed-dau
          displayName: Replayed DAU
          labels:
            team: product
        spec:
          description: At least 100 users active in the last day, 90% of evaluations over 4 weeks.
          service: saas-crm
          indicator:
            metadata:
              name: replayed-dau
            spec:
              thresholdMetric:
                metricSource:
                  type: Prometheus
                  spec:
                    query: 'saas_active_users{entity="user", window="1d"}'
          timeWindow:
            - duration: 4w
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - displayName: At least 100 daily active users
              op: gte
              value: 100
              target: 0.9
          alertPolicies:
            - alertPolicyRef: fast-policy
            - alertPolicyRef: burst-policy
        """;

    public const string CounterSlo = """
        apiVersion: openslo/v1
        kind: AlertCondition
        metadata:
          name: burst
        spec:
          severity: page
          condition:
            kind: burnrate
            op: gt
            threshold: 5
            lookbackWindow: 1h
        ---
        apiVersion: openslo/v1
        kind: AlertPolicy
        metadata:
          name: burst-policy
        spec:
          alertWhenBreaching: true
          conditions:
            - conditionRef: burst
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: replayed-polls
          displayName: Replayed polls
          labels:
            team: sre
        spec:
          description: 90% of polls succeed over 4 weeks.
          service: saas-exporter
          indicator:
            metadata:
              name: replayed-polls
            spec:
              ratioMetric:
                counter: true
                good:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: 'saas_exporter_collector_scheduled_polls_total{result="success"}'
                total:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: 'saas_exporter_collector_scheduled_polls_total'
          timeWindow:
            - duration: 4w
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - displayName: Polls succeed
              target: 0.9
          alertPolicies:
            - alertPolicyRef: burst-policy
        """;

    private string root = "";
    private PrometheusServer? prometheus;

    public Uri Prometheus => prometheus!.Address;

    public string SloDirectory => Path.Combine(root, "slos");

    public string CounterSloDirectory => Path.Combine(root, "counter-slos");

    public static bool IsBad(DateTimeOffset at) => (at >= BadWeek.From && at < BadWeek.To) || (at >= BadBurst.From && at < BadBurst.To);

    public async Task InitializeAsync()
    {
        root = Directory.CreateTempSubdirectory("saas-exporter-slo-replay-").FullName;
        Directory.CreateDirectory(SloDirectory);
        await File.WriteAllTextAsync(Path.Combine(SloDirectory, "replayed.yaml"), Slo);
        Directory.CreateDirectory(CounterSloDirectory);
        await File.WriteAllTextAsync(Path.Combine(CounterSloDirectory, "replayed-polls.yaml"), CounterSlo);
        var history = Path.Combine(root, "history.om");
        var text = new StringBuilder("# TYPE saas_active_users gauge\n");
        for (var at = From; at < To; at += Step)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"saas_active_users{{entity=\"user\",window=\"1d\",job=\"saas-exporter\",instance=\"backfill\"}} {(IsBad(at) ? 0 : 500)} {at.ToUnixTimeSeconds()}\n");
        }

        text.Append("# TYPE saas_exporter_collector_scheduled_polls counter\n");
        long succeeded = 0, failed = 0;
        for (var at = From; at <= To; at += Step)
        {
            succeeded += at > From && !IsBad(at) ? 10 : 0;
            failed += at > From && IsBad(at) ? 10 : 0;
            foreach (var (result, count) in new[] { ("success", succeeded), ("failure", failed) })
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"saas_exporter_collector_scheduled_polls_total{{collector=\"engagement\",result=\"{result}\",job=\"saas-exporter\",instance=\"backfill\"}} {count} {at.ToUnixTimeSeconds()}\n");
            }
        }

        text.Append("# EOF\n");
        await File.WriteAllTextAsync(history, text.ToString());
        var blocks = Path.Combine(root, "blocks");
        var (exitCode, output) = await Promtool.RunAsync(["tsdb", "create-blocks-from", "openmetrics", history, blocks], root);
        Assert.True(exitCode == 0, output);
        prometheus = await PrometheusServer.StartBlocksOnlyAsync(blocks);
    }

    public async Task DisposeAsync()
    {
        if (prometheus is not null)
        {
            await prometheus.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }
}
