namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A class fixture holding the one dataset its test class shares: built by the first test that asks, then read by
/// every test of the class (the collectors only read it, in read-only sessions).
/// </summary>
public sealed class ClassDataset
{
    private readonly Lock _gate = new();
    private Task<HandBuiltDatabase>? _database;

    /// <summary>The dataset, built by <paramref name="build"/> on the first call of the class.</summary>
    public Task<HandBuiltDatabase> GetAsync(Func<Task<HandBuiltDatabase>> build)
    {
        lock (_gate)
        {
            return _database ??= build();
        }
    }
}
