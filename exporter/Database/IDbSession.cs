namespace SaasExporter.Database;

/// <summary>
/// A read-only, repeatable-read transaction on the product database with a server-side statement timeout.
/// Every query of one poll sees the same snapshot.
/// </summary>
public interface IDbSession
{
    Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the rows of a query to <paramref name="onRow"/> one by one without holding them all in memory (a full
    /// load of the activity index reads millions of rows). Sessions that cannot stream do not support it.
    /// </summary>
    Task StreamAsync(string sql, object? parameters, Action<System.Data.IDataRecord> onRow, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this session cannot stream rows");

    /// <summary>
    /// Parses and plans a query without running it: how many statements the text holds and the columns of the last
    /// one. Syntax errors and unknown relations or columns surface here as PostgreSQL errors.
    /// </summary>
    Task<QueryShape> DescribeAsync(string sql, object? parameters, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IDbSession.DescribeAsync"/> learned about a query.</summary>
public sealed record QueryShape(int Statements, IReadOnlyList<string> Columns);
