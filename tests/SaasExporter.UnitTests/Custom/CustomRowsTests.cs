using SaasExporter.Collectors;
using SaasExporter.Custom;

namespace SaasExporter.UnitTests.Custom;

public sealed class CustomRowsTests
{
    private static CustomMetricDefinition Metric(MetricType type = MetricType.Gauge, int maxSeries = 500) =>
        new("m", "help", type, "v", ["k"], [new("source", "crm")], maxSeries, type == MetricType.Histogram ? [1, 10] : []);

    private static MetricFamily Family(CustomMetricDefinition metric) =>
        new(metric.Name, metric.Help, "k", "source", "window") { Type = metric.Type, Buckets = metric.Buckets };

    private static Dictionary<string, object?> Row(object? k, object? v) => new() { ["k"] = k, ["v"] = v };

    private static (List<Sample> Samples, List<RejectedRows> Rejected) Read(CustomMetricDefinition metric, params Dictionary<string, object?>[] rows)
    {
        var samples = new List<Sample>();
        var tally = new RejectionTally();
        CustomRows.Read(metric, Family(metric), rows, "7d", samples, tally);
        return (samples, tally.ToList());
    }

    private static string Show(IEnumerable<Sample> samples) => string.Join(" ", samples.Select(s => s.ToString()));

    [Fact]
    public void GoodRows_BecomeSamplesWithStaticLabelsAndWindowLast()
    {
        var (samples, rejected) = Read(Metric(), Row("a", 1L), Row("b", 2.5m), Row(3, true));

        Assert.Equal("""m{k="a",source="crm",window="7d"} 1 m{k="b",source="crm",window="7d"} 2.5 m{k="3",source="crm",window="7d"} 1""", Show(samples));
        Assert.Empty(rejected);
    }

    [Fact]
    public void LabelLongerThanTheLimit_IsDroppedAndCounted_ALabelAtTheLimitIsServed()
    {
        var atLimit = new string('a', CustomRows.MaxLabelLength);
        var (samples, rejected) = Read(Metric(), Row(atLimit, 1L), Row(atLimit + "b", 2L));

        Assert.Equal([atLimit], samples.Select(s => s.LabelValues[0]));
        Assert.Equal([new RejectedRows("m", CustomRows.LabelTooLong, 1)], rejected);
    }

    [Fact]
    public void BadRows_AreDroppedAndCountedByReason_TheRestIsServed()
    {
        var (samples, rejected) = Read(Metric(MetricType.Counter),
            Row("ok", 7L),
            Row(null, 1L),
            Row("nullvalue", null),
            Row("text", "12"),
            Row("nan", double.NaN),
            Row("inf", double.PositiveInfinity),
            Row("negative", -1L),
            Row("dup", 1L),
            Row("dup", 2L));

        Assert.Equal("""m{k="ok",source="crm",window="7d"} 7""", Show(samples));
        Assert.Equal(
        [
            new RejectedRows("m", CustomRows.DuplicateLabels, 2),
            new RejectedRows("m", CustomRows.NegativeCounter, 1),
            new RejectedRows("m", CustomRows.NonFinite, 2),
            new RejectedRows("m", CustomRows.NonNumeric, 1),
            new RejectedRows("m", CustomRows.NullLabel, 1),
            new RejectedRows("m", CustomRows.NullValue, 1),
        ], rejected);
    }

    [Fact]
    public void NegativeGauge_IsAValue()
    {
        var (samples, rejected) = Read(Metric(), Row("a", -3L));

        Assert.Equal(-3, Assert.Single(samples).Value);
        Assert.Empty(rejected);
    }

    [Fact]
    public void LabelSetsPastMaxSeries_AreDroppedInQueryOrder()
    {
        var (samples, rejected) = Read(Metric(maxSeries: 2), Row("a", 1L), Row("b", 2L), Row("c", 3L), Row("d", 4L));

        Assert.Equal(["a", "b"], samples.Select(s => s.LabelValues[0]));
        Assert.Equal([new RejectedRows("m", CustomRows.MaxSeries, 2)], rejected);
    }

    [Fact]
    public void Histogram_KeepsEveryObservationOfALabelSet_AndCapsLabelSets()
    {
        var (samples, rejected) = Read(Metric(MetricType.Histogram, maxSeries: 1), Row("a", 1L), Row("a", 5L), Row("b", 2L));

        Assert.Equal([1.0, 5.0], samples.Select(s => s.Value));
        Assert.Equal([new RejectedRows("m", CustomRows.MaxSeries, 1)], rejected);
    }

    [Fact]
    public void LabelValues_AreFormattedInvariantly()
    {
        var (samples, _) = Read(Metric(), Row(1.5, 1L), Row(new DateOnly(2026, 11, 2), 1L), Row(false, 1L));

        Assert.Equal(["1.5", "2026-11-02", "false"], samples.Select(s => s.LabelValues[0]));
    }
}
