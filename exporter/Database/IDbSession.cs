namespace SaasExporter.Database;

/// <summary>
/// A read-only, repeatable-read transaction on the product database with a server-side statement timeout.
/// Every query of one poll sees the same snapshot.
/// </summary>
public interface IDbSession
{
    Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken);

    /// <summary>Rows of a query whose columns are only known at run time (user-defined SQL), keyed by column name.</summary>
    Task<IReadOnlyList<IDictionary<string, object?>>> QueryRowsAsync(string sql, object? parameters, CancellationToken cancellationToken);

    /// <summary>
    /// Parses and plans a query without running it: how many statements the text holds and the columns of the last
    /// one. Syntax errors and unknown relations or columns surface here as PostgreSQL errors.
    /// </summary>
    Task<QueryShape> DescribeAsync(string sql, object? parameters, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IDbSession.DescribeAsync"/> learned about a query.</summary>
public sealed record QueryShape(int Statements, IReadOnlyList<string> Columns);
