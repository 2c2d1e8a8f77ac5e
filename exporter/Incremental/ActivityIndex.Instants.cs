namespace SaasExporter.Incremental;

/// <summary>
/// What session formation needs: each user's distinct qualifying event instants (UTC ticks, ascending) after the start
/// of the session window at the watermark. Memory is bounded by the distinct (user, instant) pairs of the window: 8
/// bytes each at list capacity, plus one list per user active in it. Re-reading a row (the lateness allowance) changes
/// nothing: an instant already held is not added twice.
/// </summary>
internal sealed partial class ActivityIndex
{
    private List<long>?[] _instants = [];

    /// <summary>Instants held for session formation, over every user.</summary>
    public long InstantCount { get; private set; }

    /// <summary>The user's instants after the last <see cref="DropInstantsUpTo"/>, ascending and distinct.</summary>
    public ReadOnlySpan<long> Instants(int slot) =>
        _instants[slot] is { } list ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list) : [];

    /// <summary>Records one event instant of a user; a row re-read or inserted late keeps the list sorted and distinct.</summary>
    public void AddInstant(long userId, long ticks)
    {
        var slot = SlotFor(userId);
        var list = _instants[slot] ??= [];
        if (list.Count == 0 || ticks > list[^1])
        {
            list.Add(ticks);
            InstantCount++;
            return;
        }

        var at = list.BinarySearch(ticks);
        if (at < 0)
        {
            list.Insert(~at, ticks);
            InstantCount++;
        }
    }

    /// <summary>Forgets every instant at or before <paramref name="ticks"/> (the start of the session window).</summary>
    public void DropInstantsUpTo(long ticks)
    {
        for (var slot = 0; slot < Count; slot++)
        {
            if (_instants[slot] is not { Count: > 0 } list || list[0] > ticks)
            {
                continue;
            }

            var keep = list.BinarySearch(ticks);
            var drop = keep >= 0 ? keep + 1 : ~keep;
            list.RemoveRange(0, drop);
            InstantCount -= drop;
            if (list.Count == 0)
            {
                _instants[slot] = null;
            }
        }
    }

    /// <summary>Managed memory of the held instants at list capacity (8 bytes each) and their lists (32-byte object, 24-byte array header).</summary>
    private long InstantBytes()
    {
        var bytes = (long)_instants.Length * 8;
        for (var slot = 0; slot < Count; slot++)
        {
            if (_instants[slot] is { } list)
            {
                bytes += 32 + 24 + ((long)list.Capacity * 8);
            }
        }

        return bytes;
    }
}
