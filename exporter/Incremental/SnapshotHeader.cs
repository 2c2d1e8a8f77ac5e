namespace SaasExporter.Incremental;

/// <summary>
/// What a snapshot of the activity index is valid for: the database it was read from, the configuration that shapes
/// the index (<see cref="IndexShape"/>), and the wall-clock time its full load finished (the next rebuild is due
/// EventMetrics:RebuildInterval after it, across restarts).
/// </summary>
internal sealed record SnapshotHeader(DatabaseIdentity Identity, string Shape, DateTimeOffset BuiltAt)
{
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Identity.Database);
        writer.Write(Identity.EventColumns);
        writer.Write(Shape);
        writer.Write(BuiltAt.UtcTicks);
    }

    public static SnapshotHeader ReadFrom(BinaryReader reader) =>
        new(new DatabaseIdentity(reader.ReadString(), reader.ReadString()), reader.ReadString(), new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero));

    /// <summary>Why a snapshot with this header cannot serve where <paramref name="expected"/> holds; null when it can.</summary>
    public string? Mismatch(SnapshotHeader expected) =>
        Identity.Database != expected.Identity.Database
            ? $"foreign: written for database {Identity.Database}, this is {expected.Identity.Database} (system identifier/oid/schema)"
            : Identity.EventColumns != expected.Identity.EventColumns
                ? $"outdated: the events columns were ({Identity.EventColumns}), they are ({expected.Identity.EventColumns})"
                : Shape != expected.Shape
                    ? $"outdated: written with index configuration '{Shape}', it is '{expected.Shape}'"
                    : null;
}
