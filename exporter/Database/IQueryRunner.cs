namespace SaasExporter.Database;

/// <summary>Opens a read-only session, runs the work in it, and always rolls back.</summary>
public interface IQueryRunner
{
    Task<T> RunAsync<T>(TimeSpan statementTimeout, Func<IDbSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
