namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The wall clock as the exporter reads it (GetUtcNow), held at an instant the test sets, so that several polls share
/// one evaluation instant; timers and elapsed time stay real, so timeouts and retries behave as in production.
/// </summary>
internal sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
