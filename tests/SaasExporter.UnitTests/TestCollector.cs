using SaasExporter.Collectors;
using SaasExporter.Database;

namespace SaasExporter.UnitTests;

/// <summary>A collector whose samples the test decides.</summary>
internal sealed class TestCollector(string name = "test") : IMetricCollector
{
    public static readonly MetricFamily Users = new("saas_test_users", "Test users.", "window");
    public static readonly MetricFamily Total = new("saas_test_total_users", "Test total.");

    public string Name { get; } = name;

    public IReadOnlyList<MetricFamily> Families { get; } = name == "test" ? [Users, Total] : [];

    public IReadOnlyList<string> Relations { get; } = ["events"];

    public Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the query runner is substituted in unit tests");
}
