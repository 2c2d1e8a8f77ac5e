namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>The one PostgreSQL server the integration tests share; each test class creates its own databases.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;
    private int _databases;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("fixture not started");

    public async Task InitializeAsync() => _cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>A fresh, empty database with a unique name.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) =>
        Cluster.CreateDatabaseAsync($"{prefix}_{Interlocked.Increment(ref _databases)}");
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
