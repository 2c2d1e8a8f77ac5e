namespace SaasExporter.Database;

/// <summary>
/// A read-only, repeatable-read transaction on the product database with a server-side statement timeout.
/// Every query of one poll sees the same snapshot.
/// </summary>
public interface IDbSession
{
    Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken);
}
