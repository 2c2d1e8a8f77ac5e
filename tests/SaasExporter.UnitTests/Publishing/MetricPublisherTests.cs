using System.Text;
using Prometheus;
using SaasExporter.Publishing;

namespace SaasExporter.UnitTests.Publishing;

public sealed class MetricPublisherTests
{
    private static async Task<string> ExportAsync(MetricPublisher publisher)
    {
        using var stream = new MemoryStream();
        await publisher.ExportAsTextAsync(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static MetricPublisher Create(TestCollector collector)
    {
        var publisher = new MetricPublisher(Metrics.NewCustomRegistry());
        publisher.Register(collector);
        return publisher;
    }

    [Fact]
    public async Task Register_BeforeAnyPoll_PublishesNoValueAtAll()
    {
        var publisher = Create(new TestCollector());

        var text = await ExportAsync(publisher);

        Assert.DoesNotContain("\nsaas_test_total_users ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("saas_test_users{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_ReplacesValuesAndRemovesSeriesThePollNoLongerProduces()
    {
        var collector = new TestCollector();
        var publisher = Create(collector);
        publisher.Publish(collector, [TestCollector.Users.Sample(3, "7d"), TestCollector.Users.Sample(5, "30d"), TestCollector.Total.Sample(9)]);

        publisher.Publish(collector, [TestCollector.Users.Sample(4, "7d")]);
        var text = await ExportAsync(publisher);

        Assert.Contains("saas_test_users{window=\"7d\"} 4", text, StringComparison.Ordinal);
        Assert.DoesNotContain("window=\"30d\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nsaas_test_total_users ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_InvalidPoll_PublishesNothingAndKeepsTheLastValues()
    {
        var collector = new TestCollector();
        var publisher = Create(collector);
        publisher.Publish(collector, [TestCollector.Users.Sample(3, "7d")]);

        var duplicate = Assert.Throws<InvalidOperationException>(() =>
            publisher.Publish(collector, [TestCollector.Users.Sample(1, "30d"), TestCollector.Users.Sample(2, "30d")]));
        var text = await ExportAsync(publisher);

        Assert.Contains("twice", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains("saas_test_users{window=\"7d\"} 3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("window=\"30d\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_FamilyOfAnotherCollector_IsRejected()
    {
        var owner = new TestCollector();
        var publisher = Create(owner);
        var intruder = new TestCollector("intruder");
        publisher.Register(intruder);

        var error = Assert.Throws<InvalidOperationException>(() => publisher.Publish(intruder, [TestCollector.Total.Sample(1)]));

        Assert.Equal("collector intruder emitted saas_test_total_users, which it does not own", error.Message);
    }

    [Fact]
    public void Register_SameFamilyTwice_NamesBothCollectors()
    {
        var publisher = Create(new TestCollector());

        var error = Assert.Throws<InvalidOperationException>(() => publisher.Register(new TestCollector()));

        Assert.Equal("metric saas_test_users of collector test is already owned by collector test", error.Message);
    }
}
