using System.Runtime.InteropServices;

namespace SaasExporter.Incremental;

/// <summary>The index as bytes, for the snapshot file (<see cref="IndexSnapshotFile"/>): only the used slots are written.</summary>
internal sealed partial class ActivityIndex
{
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Platforms);
        writer.Write(Features);
        writer.Write(_longGap);
        writer.Write(FirstDay);
        writer.Write(Watermark.UtcTicks);
        writer.Write(Count);
        var ids = new long[Count];
        foreach (var (userId, slot) in _slots)
        {
            ids[slot] = userId;
        }

        Write(writer, ids);
        Write(writer, _first.AsSpan(0, Count));
        Write(writer, _last.AsSpan(0, Count));
        Write(writer, _gapStart.AsSpan(0, Count));
        Write(writer, _gapEnd.AsSpan(0, Count));
        Write(writer, _platformLast.AsSpan(0, Count * Platforms));
        Write(writer, _featureLast.AsSpan(0, Count * Features));
        Write(writer, MemoryMarshal.Cast<ulong, long>(_days.AsSpan(0, Count * DayWords)));
        for (var slot = 0; slot < Count; slot++)
        {
            var instants = Instants(slot);
            writer.Write(instants.Length);
            Write(writer, instants);
        }
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote; the caller has checked the bytes' checksum.</summary>
    public static ActivityIndex ReadFrom(BinaryReader reader)
    {
        var platforms = reader.ReadInt32();
        var features = reader.ReadInt32();
        var longGap = reader.ReadInt64();
        var firstDay = reader.ReadInt32();
        var watermark = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var count = reader.ReadInt32();
        var index = new ActivityIndex(platforms, features, TimeSpan.FromTicks(longGap), firstDay + DaysKept - 64, watermark);
        index.Grow(Math.Max(1024, count));
        var ids = new long[count];
        Read(reader, ids);
        Read(reader, index._first.AsSpan(0, count));
        Read(reader, index._last.AsSpan(0, count));
        Read(reader, index._gapStart.AsSpan(0, count));
        Read(reader, index._gapEnd.AsSpan(0, count));
        Read(reader, index._platformLast.AsSpan(0, count * platforms));
        Read(reader, index._featureLast.AsSpan(0, count * features));
        Read(reader, MemoryMarshal.Cast<ulong, long>(index._days.AsSpan(0, count * DayWords)));
        for (var slot = 0; slot < count; slot++)
        {
            var held = reader.ReadInt32();
            if (held > 0)
            {
                var instants = new long[held];
                Read(reader, instants);
                index._instants[slot] = [.. instants];
                index.InstantCount += held;
            }
        }

        index._slots.EnsureCapacity(count);
        for (var slot = 0; slot < count; slot++)
        {
            index._slots.Add(ids[slot], slot);
        }

        index.Count = count;
        return index;
    }

    private static void Write(BinaryWriter writer, ReadOnlySpan<long> values) => writer.Write(MemoryMarshal.AsBytes(values));

    private static void Read(BinaryReader reader, Span<long> values) => reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values));
}
