using System.Text;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using SaasExporter.Publishing;

namespace SaasExporter.UnitTests.Publishing;

public sealed class ExpositionCacheTests
{
    private const string Text = "text/plain; version=0.0.4; charset=utf-8";

    private readonly TestCollector _collector = new();
    private readonly FakeTimeProvider _time = new();
    private readonly MetricPublisher _publisher;
    private readonly ExpositionCache _cache;

    public ExpositionCacheTests()
    {
        _publisher = new MetricPublisher(Metrics.NewCustomRegistry());
        _publisher.Register(_collector);
        _cache = new ExpositionCache(_publisher, _time);
    }

    private void StoreNow(string accept, string body) =>
        _cache.Store(accept, _publisher.Generation, _time.GetTimestamp(), Text, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void TryGet_NothingChangedSinceTheRender_ReturnsTheRender()
    {
        StoreNow("", "a 1\n");

        Assert.True(_cache.TryGet("", out var contentType, out var body));
        Assert.Equal(Text, contentType);
        Assert.Equal("a 1\n", Encoding.UTF8.GetString(body.Span));
    }

    [Fact]
    public void TryGet_AfterAPublish_MissesSoTheNewValuesAreRendered()
    {
        StoreNow("", "a 1\n");

        _publisher.Publish(_collector, [TestCollector.Total.Sample(2)]);

        Assert.False(_cache.TryGet("", out _, out _));
    }

    [Fact]
    public void TryGet_AfterAPollMarkedAChange_Misses()
    {
        StoreNow("", "a 1\n");

        _publisher.MarkChanged();

        Assert.False(_cache.TryGet("", out _, out _));
    }

    [Fact]
    public void TryGet_RenderOlderThanMaxAge_MissesEvenIfNothingChanged()
    {
        StoreNow("", "a 1\n");

        _time.Advance(ExpositionCache.MaxAge);

        Assert.False(_cache.TryGet("", out _, out _));
    }

    [Fact]
    public void TryGet_RenderStartedBeforeAChange_IsNeverReusedAfterIt()
    {
        // A render reads the generation first; a publish landing during the render makes that render stale.
        var generation = _publisher.Generation;
        _publisher.Publish(_collector, [TestCollector.Total.Sample(2)]);
        _cache.Store("", generation, _time.GetTimestamp(), Text, Encoding.UTF8.GetBytes("a 1\n"));

        Assert.False(_cache.TryGet("", out _, out _));
    }

    [Fact]
    public void TryGet_OtherAcceptHeader_IsRenderedSeparately()
    {
        StoreNow("", "a 1\n");

        Assert.False(_cache.TryGet("application/openmetrics-text; version=1.0.0", out _, out _));
    }

    [Fact]
    public void TryGetLast_AfterAPublishAndPastMaxAge_StillReturnsTheLastCompleteRender()
    {
        StoreNow("", "a 1\n");

        _publisher.Publish(_collector, [TestCollector.Total.Sample(2)]);
        _time.Advance(ExpositionCache.MaxAge * 10);

        Assert.False(_cache.TryGet("", out _, out _));
        Assert.True(_cache.TryGetLast("", out var contentType, out var body));
        Assert.Equal(Text, contentType);
        Assert.Equal("a 1\n", Encoding.UTF8.GetString(body.Span));
    }

    [Fact]
    public void TryGetLast_NothingRenderedForTheAcceptHeader_Misses()
    {
        StoreNow("application/openmetrics-text", "a 1\n");

        Assert.False(_cache.TryGetLast("", out _, out _));
    }
}
