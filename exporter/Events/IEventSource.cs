using SaasExporter.Database;

namespace SaasExporter.Events;

/// <summary>One way to compute an event family's counts at an instant: SQL over the events, or the activity index.</summary>
internal interface IEventSource<TCounts>
{
    Task<TCounts> CountAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken);
}
