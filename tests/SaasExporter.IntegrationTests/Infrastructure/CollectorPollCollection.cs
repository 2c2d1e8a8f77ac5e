namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The collector tests that poll through <see cref="CollectorPoll"/>: no host, no fixed port, nothing global, each
/// class in databases of its own on a PostgreSQL server of this collection's own, so the collection runs beside
/// <see cref="PostgresCollection"/> instead of after it. Its classes run one after another: each takes seconds.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CollectorPollCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "collector polls";
}
