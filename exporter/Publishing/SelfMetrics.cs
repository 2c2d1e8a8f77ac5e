using System.Reflection;
using Prometheus;

namespace SaasExporter.Publishing;

/// <summary>The exporter's own series (METRICS.md section 3, "Exporter itself").</summary>
public sealed class SelfMetrics
{
    /// <summary>Upper bounds (seconds) of saas_exporter_collector_duration_seconds; the catalogue lists the same.</summary>
    public static readonly double[] DurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    public SelfMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        CollectorUp = factory.CreateGauge("saas_exporter_collector_up",
            "1 if the collector's last poll succeeded, 0 if it failed.", ["collector"], new GaugeConfiguration { SuppressInitialValue = true });
        LastSuccess = factory.CreateGauge("saas_exporter_collector_last_success_timestamp_seconds",
            "Unix time of the collector's last successful poll (wall clock).", ["collector"], new GaugeConfiguration { SuppressInitialValue = true });
        Duration = factory.CreateHistogram("saas_exporter_collector_duration_seconds",
            "Duration of the collector's polls, successful or not.", ["collector"],
            new HistogramConfiguration { Buckets = DurationBuckets });
        Runs = factory.CreateCounter("saas_exporter_collector_runs_total",
            "Polls of the collector by result.", ["collector", "result"]);
        ScheduledPolls = factory.CreateCounter("saas_exporter_collector_scheduled_polls_total",
            "Scheduled polls of the collector by result: one per interval, success if a poll of that interval succeeded (retries after a failure are not counted again).",
            ["collector", "result"]);
        FirstSuccess = factory.CreateGauge("saas_exporter_collector_first_success_seconds",
            "Seconds from the exporter's start to the collector's first successful poll: how long its series were missing after the (re)start.",
            ["collector"], new GaugeConfiguration { SuppressInitialValue = true });
        Enabled = factory.CreateGauge("saas_exporter_collector_enabled",
            "1 if the collector is enabled, 0 if configuration or a missing optional relation disabled it.", ["collector"]);
        Interval = factory.CreateGauge("saas_exporter_collector_interval_seconds",
            "Configured time between two polls of the collector (staleness is measured in these).", ["collector"]);
        DatabaseUp = factory.CreateGauge("saas_exporter_database_up",
            "1 if the last attempt to reach the product database succeeded.", new GaugeConfiguration { SuppressInitialValue = true });
        RowsRejected = factory.CreateCounter("saas_exporter_rows_rejected_total",
            "Rows skipped because they break the database contract (counted again at every poll that reads them).", ["relation", "reason"]);
        Degraded = factory.CreateGauge("saas_exporter_collector_degraded",
            "1 if the collector's last successful poll dropped rows (see saas_exporter_rows_rejected_total), else 0.", ["collector"],
            new GaugeConfiguration { SuppressInitialValue = true });
        IdentityViolations = factory.CreateCounter("saas_exporter_identity_violations_total",
            "Polls that published nothing because an identity that must hold exactly did not.", ["collector", "identity"]);
        IndexUsers = factory.CreateGauge("saas_exporter_index_users",
            "Users held by the incremental activity index (EventMetrics:Source = incremental).", new GaugeConfiguration { SuppressInitialValue = true });
        IndexBytes = factory.CreateGauge("saas_exporter_index_bytes",
            "Estimated managed memory held by the incremental activity index.", new GaugeConfiguration { SuppressInitialValue = true });
        IndexLoadProgress = factory.CreateGauge("saas_exporter_index_load_progress_ratio",
            "Fraction of the chunks of the running or last full load of the activity index that are read (1 when complete).",
            new GaugeConfiguration { SuppressInitialValue = true });
        var build = factory.CreateGauge("saas_exporter_build_info", "Build information; always 1.", ["version"]);
        build.WithLabels(Version).Set(1);
    }

    public static string Version { get; } =
        typeof(SelfMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public Gauge CollectorUp { get; }

    public Gauge LastSuccess { get; }

    public Histogram Duration { get; }

    public Counter Runs { get; }

    public Counter ScheduledPolls { get; }

    public Gauge FirstSuccess { get; }

    public Gauge Enabled { get; }

    public Gauge Interval { get; }

    public Gauge DatabaseUp { get; }

    public Counter RowsRejected { get; }

    public Counter IdentityViolations { get; }

    public Gauge Degraded { get; }

    public Gauge IndexUsers { get; }

    public Gauge IndexBytes { get; }

    public Gauge IndexLoadProgress { get; }

    /// <summary>Makes a collector's series exist (at 0 runs) before its first poll ends.</summary>
    public void Declare(string collector, bool enabled, TimeSpan interval)
    {
        Enabled.WithLabels(collector).Set(enabled ? 1 : 0);
        if (enabled)
        {
            Interval.WithLabels(collector).Set(interval.TotalSeconds);
            Runs.WithLabels(collector, "success").IncTo(0);
            Runs.WithLabels(collector, "failure").IncTo(0);
            ScheduledPolls.WithLabels(collector, "success").IncTo(0);
            ScheduledPolls.WithLabels(collector, "failure").IncTo(0);
            Duration.WithLabels(collector);
        }
    }
}
