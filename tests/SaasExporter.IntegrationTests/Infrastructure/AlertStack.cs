using System.Globalization;
using System.Text.RegularExpressions;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The alert path with real servers on loopback, as compose assembles it: the exporter with the compose settings (custom
/// CRM collectors, excluded events), Prometheus with every shipped rule file, Alertmanager with the shipped routes and
/// inhibitions, and a webhook sink standing in for every receiver. Time is compressed <see cref="Compression"/> times by
/// test-only overrides, never by editing shipped files: collector intervals and the rules' <c>for:</c> durations, so
/// alerts keep the order they have in production.
/// </summary>
public sealed partial class AlertStack : IAsyncDisposable
{
    public const int Compression = 30;

    /// <summary>Every collector polls every few seconds: the stale threshold (3 intervals) is seconds, like the compressed <c>for:</c>.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(4);

    private static readonly string[] Collectors =
        ["account_health", "acquisition", "activation", "adoption", "engagement", "resurrection", "retention", "revenue", "sessions", "support", "surveys",
         "crm_activity", "crm_deals", "crm_sales_cycle"];

    private WebhookSink? _sink;
    private AlertmanagerServer? _alertmanager;
    private PrometheusServer? _prometheus;

    private AlertStack()
    {
    }

    public WebhookSink Sink => _sink ?? throw new InvalidOperationException("stack not started");

    public AlertmanagerServer Alertmanager => _alertmanager ?? throw new InvalidOperationException("stack not started");

    public ExporterUnderTest? Exporter { get; private set; }

    public PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException("stack not started");

    /// <summary>The compose exporter settings with compressed polls; <paramref name="overrides"/> win.</summary>
    public static Dictionary<string, string?> ComposeSettings(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AsOf"] = Instants.Iso(SeededDatabase.AsOf),
            ["ExcludedEvents:0"] = "notification_sent",
            ["CustomCollectorsFile"] = Repository.PathOf("exporter", "crm-collectors.yml"),
            ["Database:ConnectTimeout"] = "00:00:01",
        };
        foreach (var collector in Collectors)
        {
            settings[$"Collectors:{collector}:Interval"] = PollInterval.ToString();
            settings[$"Collectors:{collector}:Timeout"] = PollInterval.ToString();
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// The compose exporter settings with every collector polling at <paramref name="pollInterval"/> (and timing out
    /// then): a scale-1 demo database needs seconds per poll, more than <see cref="PollInterval"/> allows.
    /// </summary>
    public static Dictionary<string, string?> ComposeSettings(TimeSpan pollInterval) =>
        ComposeSettings(Collectors.SelectMany(c => new[] { $"Collectors:{c}:Interval", $"Collectors:{c}:Timeout" })
            .ToDictionary(key => key, _ => (string?)pollInterval.ToString()));

    public static async Task<AlertStack> StartAsync(string connectionString, IDictionary<string, string?> settings,
        Func<string, string, string>? rewriteRules = null)
    {
        _ = PrometheusServer.BinaryPath;
        _ = AlertmanagerServer.BinaryPath;
        var stack = new AlertStack();
        try
        {
            stack._sink = await WebhookSink.StartAsync();
            stack._alertmanager = await AlertmanagerServer.StartAsync(stack.Sink.Address);
            stack.Exporter = await ExporterUnderTest.StartAsync(connectionString, settings);
            await stack.Exporter.WaitReadyAsync();
            stack._prometheus = await PrometheusServer.StartAsync(stack.Exporter.Client.BaseAddress!, stack.Alertmanager.Address, rewriteRules ?? ScenarioRules);
            await stack.Prometheus.WaitForDataAsync("saas_exporter_collector_up{collector=\"engagement\"}", TimeSpan.FromSeconds(60), v => v == 1);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The rules of a scenario stack: <c>for:</c> compressed, and the burn-rate alerts of the exporter's own SLOs left
    /// out. Burn windows (hours) cannot be compressed: with two minutes of history a 6-hour window is two minutes long,
    /// so those burns would fire within seconds of a fault, where in production they need 20 minutes or more and come
    /// after the root-cause alert that inhibits them. prometheus/tests/outage_order_test.yml proves that order with
    /// production windows and hours of history.
    /// </summary>
    public static string ScenarioRules(string file, string rules) =>
        CompressFor(file, file.StartsWith("exporter-", StringComparison.Ordinal) ? WithoutBurnAlerts(rules) : rules);

    private static string WithoutBurnAlerts(string rules) => BurnAlert().Replace(rules, "");

    /// <summary><c>for: 5m</c> becomes <c>for: 10s</c>: every rule's pending duration divided by the compression.</summary>
    public static string CompressFor(string file, string rules) => ForDuration().Replace(rules, m =>
    {
        var seconds = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * (m.Groups[3].Value == "h" ? 3600 : 60);
        return $"{m.Groups[1].Value}{Math.Max(1, seconds / Compression)}s";
    });

    /// <summary>
    /// Waits for the notifications of the healthy stack (SLOs the demo misses, the watchdog) to settle: longer than the
    /// longest compressed <c>for:</c> of an alert that healthy data can raise (SLODataStale, 15 min = 30 s), then quiet.
    /// Returns how many notifications had arrived: what a fault adds comes after.
    /// </summary>
    public async Task<int> SettleAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(40));
        await Sink.WaitUntilQuietAsync(quiet: TimeSpan.FromSeconds(8), atLeast: TimeSpan.FromSeconds(8), limit: TimeSpan.FromSeconds(90));
        return Sink.Received.Count;
    }

    /// <summary>
    /// One line per firing alert in each notification after <paramref name="mark"/>, leaving out the watchdog: receiver
    /// path, alert name, severity, and the collector or SLO it is about. Sorted; a repeated notification shows twice.
    /// </summary>
    public IReadOnlyList<string> FiringSince(int mark) =>
        [.. Sink.Received.Skip(mark)
            .SelectMany(n => n.Alerts.Where(a => a.Status == "firing").Select(a => (n.Path, a.Labels)))
            .Where(x => x.Labels.GetValueOrDefault("alertname") != "Watchdog")
            .Select(x => $"{x.Path} {x.Labels["alertname"]} {x.Labels.GetValueOrDefault("severity")}" +
                $"{(x.Labels.TryGetValue("collector", out var c) ? $" {c}" : "")}{(x.Labels.TryGetValue("slo", out var s) ? $" {s}" : "")}")
            .Order(StringComparer.Ordinal)];

    /// <summary>Stops the exporter as a crashed process would: its port closes and scrapes fail.</summary>
    public async Task StopExporterAsync()
    {
        if (Exporter is not null)
        {
            await Exporter.DisposeAsync();
            Exporter = null;
        }
    }

    [GeneratedRegex(@"(\bfor:\s*)(\d+)(m|h)\b")]
    private static partial Regex ForDuration();

    /// <summary>One generated burn-rate alert rule: from its <c>- alert: SLOErrorBudgetBurn</c> line to the next rule.</summary>
    [GeneratedRegex(@"^      - alert: SLOErrorBudgetBurn\n(?:(?!      - ).*\n)*", RegexOptions.Multiline)]
    private static partial Regex BurnAlert();

    public async ValueTask DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        await StopExporterAsync();
        if (_alertmanager is not null)
        {
            await _alertmanager.DisposeAsync();
        }

        if (_sink is not null)
        {
            await _sink.DisposeAsync();
        }
    }
}
