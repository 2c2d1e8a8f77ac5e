namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A dataset built once per test class (an <c>IClassFixture</c>): the first test builds it on the shared PostgreSQL
/// server, the others of the class reuse it. Tests of a class run one at a time, so no lock is needed.
/// </summary>
public sealed class DatasetOnce
{
    private Task<HandBuiltDatabase>? _built;

    public Task<HandBuiltDatabase> GetAsync(Func<Task<HandBuiltDatabase>> build) => _built ??= build();
}
