using SaasExporter.Collectors;
using SaasExporter.Custom;

namespace SaasExporter.UnitTests.Custom;

public sealed class CustomCollectorFileTests
{
    private const string File = "custom.yml";

    private static readonly Dictionary<string, string> BuiltInMetrics = new(StringComparer.Ordinal)
    {
        ["saas_active_users"] = "engagement",
    };

    private static readonly string[] BuiltInCollectors = ["engagement", "revenue"];

    private const string Valid = """
        collectors:
          - name: crm
            interval: 5m
            timeout: 30s
            windows: [7d, 30d]
            sql: SELECT status, count(*) AS n FROM deals WHERE created_at > @window_start AND created_at <= @now GROUP BY status
            metrics:
              - name: crm_deals
                help: Deals by status.
                value: n
                labels: [status]
                static_labels: {source: crm}
              - name: crm_deal_size
                help: Deal sizes.
                type: histogram
                value: n
                buckets: [1, 10, 100]
          - name: totals
            sql: SELECT 1 AS one
            metrics:
              - name: crm_polls_total
                help: A counter.
                type: counter
                value: one
        """;

    private static CustomCollectorLoad Parse(string yaml) => CustomCollectorFile.Parse(File, yaml, BuiltInMetrics, BuiltInCollectors);

    [Fact]
    public void ValidFile_GivesEveryCollectorWithItsDefaults()
    {
        var load = Parse(Valid);

        Assert.Empty(load.Errors);
        Assert.Equal(["crm", "totals"], load.Collectors.Select(c => c.Name));
        var crm = load.Collectors[0];
        Assert.Equal(TimeSpan.FromMinutes(5), crm.Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), crm.Timeout);
        Assert.Equal(["7d", "30d"], crm.Windows.Select(w => w.Label));
        Assert.Equal(["status"], crm.Metrics[0].LabelColumns);
        Assert.Equal([new KeyValuePair<string, string>("source", "crm")], crm.Metrics[0].StaticLabels);
        Assert.Equal(CustomCollectorFile.DefaultMaxSeries, crm.Metrics[0].MaxSeries);
        Assert.Equal(MetricType.Histogram, crm.Metrics[1].Type);
        Assert.Equal([1.0, 10, 100], crm.Metrics[1].Buckets);

        var totals = load.Collectors[1];
        Assert.Equal(CustomCollectorFile.DefaultInterval, totals.Interval);
        Assert.Equal(CustomCollectorFile.DefaultTimeout, totals.Timeout);
        Assert.Empty(totals.Windows);
        Assert.Equal(MetricType.Counter, totals.Metrics[0].Type);
    }

    /// <summary>
    /// Malformed files: each yields exactly one line, naming the file, the line and column, the collector, the metric and the key
    /// where there is one, and no collector at all (a half-valid file never starts half its metrics).
    /// </summary>
    [Theory]
    [InlineData("collectors: [", "custom.yml:2:1: not valid YAML:")]
    [InlineData("- a\n- b", "custom.yml:1:1: the file must be a mapping with a 'collectors' list")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n        lables: [k]",
        "custom.yml:8:9: collector 'c': metric 'm': lables: unknown key, did you mean 'labels'? (known: name, help, type, value, labels, static_labels, max_series, buckets)")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h",
        "custom.yml:5:9: collector 'c': metric 'm': value: is required")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: 9m\n        help: h\n        value: v",
        "custom.yml:5:15: collector 'c': metric '9m': name: is not a valid metric name ([a-zA-Z_][a-zA-Z0-9_]*; colons are for recording rules)")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: 'saas:dau'\n        help: h\n        value: v",
        "custom.yml:5:15: collector 'c': metric 'saas:dau': name: is not a valid metric name ([a-zA-Z_][a-zA-Z0-9_]*; colons are for recording rules)")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n        labels: [ok, bad-label]",
        "custom.yml:8:17: collector 'c': metric 'm': labels: 'bad-label' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n        labels: [__x]",
        "custom.yml:8:17: collector 'c': metric 'm': labels: '__x' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: saas_active_users\n        help: h\n        value: v",
        "custom.yml:5:15: collector 'c': metric 'saas_active_users': name: collides with the built-in metric of collector 'engagement'")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: saas_deals\n        help: h\n        value: v",
        "custom.yml:5:15: collector 'c': metric 'saas_deals': name: the saas_ prefix is reserved for built-in metrics")]
    [InlineData("collectors:\n  - name: revenue\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:2:11: collector 'revenue': name: collides with a built-in collector of the same name")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n  - name: d\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:11:15: collector 'd': metric 'm': name: 'm' is already exposed by metric 'm' of collector 'c'")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n      - name: m_count\n        help: h\n        value: v\n      - name: m\n        type: histogram\n        help: h\n        value: v",
        "custom.yml:11:15: collector 'c': metric 'm': name: 'm' is already exposed by metric 'm' of collector 'c'")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        type: summary\n        value: v",
        "custom.yml:7:15: collector 'c': metric 'm': type: 'summary' is not one of gauge, counter, histogram")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        type: counter\n        value: v",
        "custom.yml:5:15: collector 'c': metric 'm': name: a counter's name must end in _total")]
    [InlineData("collectors:\n  - name: c\n    interval: 5 minutes\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:3:15: collector 'c': interval: '5 minutes' is not a duration such as 30s, 5m or 1h")]
    [InlineData("collectors:\n  - name: c\n    interval: 30s\n    timeout: 1m\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:4:14: collector 'c': timeout: 00:01:00 is longer than the interval 00:00:30")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v WHERE @window_start < @now\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:3:10: collector 'c': sql: uses @window_start but the collector declares no windows")]
    [InlineData("collectors:\n  - name: c\n    windows: [7d, month]\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:3:5: collector 'c': windows: 'month' is not a window such as 7d, 12h or 4w")]
    [InlineData("collectors:\n  - name: c\n    windows: [7d]\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n        labels: [window]",
        "custom.yml:9:17: collector 'c': metric 'm': labels: 'window' is added by the collector's windows; do not declare it")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n        max_series: 0",
        "custom.yml:8:21: collector 'c': metric 'm': max_series: '0' is not a whole number from 1 to 100000")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n        buckets: [1, 2]",
        "custom.yml:8:9: collector 'c': metric 'm': buckets: only a histogram has buckets")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        type: histogram\n        value: v\n        buckets: [5, 1]",
        "custom.yml:9:9: collector 'c': metric 'm': buckets: must be a non-empty list of strictly increasing numbers")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics: []",
        "custom.yml:4:5: collector 'c': metrics: a non-empty list of metrics is required")]
    [InlineData("collectors:\n  - name: c\n    sql: '  '\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:3:10: collector 'c': sql: is empty")]
    [InlineData("collectors:\n  - name: Bad Name\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:2:11: collector 'Bad Name': name: must be lower case letters, digits and underscores, starting with a letter")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v\n        labels: [v]",
        "custom.yml:7:16: collector 'c': metric 'm': value: column 'v' cannot be both the value and a label")]
    [InlineData("collectors:\n  - sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:2:5: collector '#1': name: is required")]
    [InlineData("collectors:\n  - name: c\n    interval: 2d\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:3:15: collector 'c': interval: '2d' is longer than 1d, the longest collector interval")]
    [InlineData("collectors:\n  - name: c\n    interval: 1d\n    timeout: 2h\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        value: v",
        "custom.yml:4:14: collector 'c': timeout: '2h' is longer than 1h, the longest collector timeout")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        value: v\n        help: |\n          one\n          # TYPE m counter",
        "custom.yml:7:15: collector 'c': metric 'm': help: contains a line break or another control character: HELP text is one line")]
    [InlineData("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        value: v\n        help: \"a\\rb\"",
        "custom.yml:7:15: collector 'c': metric 'm': help: contains a line break or another control character: HELP text is one line")]
    public void MalformedFile_GivesOneLineAndNoCollector(string yaml, string expected)
    {
        var load = Parse(yaml);

        Assert.Empty(load.Collectors);
        var error = Assert.Single(load.Errors);
        Assert.StartsWith(expected, error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void EveryProblemOfAFileIsReported_NotOnlyTheFirst()
    {
        var load = Parse("collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: 9m\n        help: h\n        value: v\n      - name: n\n        help: h\n        type: gauges\n        value: v");

        Assert.Equal(2, load.Errors.Count);
        Assert.Empty(load.Collectors);
    }

    [Fact]
    public void FileWithThreeProblems_ReportsAllThree_WithLineAndColumn()
    {
        var load = Parse("collectors:\n  - name: c\n    interval: soon\n    sql: SELECT 1 AS v\n    metrics:\n      - name: m\n        help: h\n        type: gauges\n        value: v\n        lables: [k]\n");

        Assert.Empty(load.Collectors);
        Assert.Equal(
        [
            "custom.yml:3:15: collector 'c': interval: 'soon' is not a duration such as 30s, 5m or 1h",
            "custom.yml:10:9: collector 'c': metric 'm': lables: unknown key, did you mean 'labels'? (known: name, help, type, value, labels, static_labels, max_series, buckets)",
            "custom.yml:8:15: collector 'c': metric 'm': type: 'gauges' is not one of gauge, counter, histogram",
        ], load.Errors);
    }

    [Fact]
    public void MisspelledTopKey_IsReportedWithTheKeyItMeant_AndTheMissingKey()
    {
        var load = Parse("collector: []");

        Assert.Empty(load.Collectors);
        Assert.Equal(
            ["custom.yml:1:1: collectors: is required", "custom.yml:1:1: collector: unknown key, did you mean 'collectors'? (known: collectors)"],
            load.Errors);
    }

    [Fact]
    public void UnreadableFile_IsOneLineNamingThePath()
    {
        var load = CustomCollectorFile.Load("/nonexistent/custom.yml", BuiltInMetrics, BuiltInCollectors);

        var error = Assert.Single(load.Errors);
        Assert.StartsWith("/nonexistent/custom.yml: cannot read the custom collector file:", error);
    }
}
