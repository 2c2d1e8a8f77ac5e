namespace SaasExporter.Demo;

/// <summary>What <c>demo seed</c> generates: scale 1 is about 10k users and 1M events over 180 days.</summary>
internal sealed record DemoParameters(double Scale, int Seed, DateTimeOffset AsOf, int Days)
{
    public const int UsersPerScale = 10_000;

    public long TargetUsers => Math.Max(1, (long)Math.Round(UsersPerScale * Scale));

    public DateTimeOffset Start => AsOf - TimeSpan.FromDays(Days);

    /// <summary>Rough expectation, for progress and time-left estimates only.</summary>
    public long ExpectedEvents => TargetUsers * 100 * Days / 180;
}
