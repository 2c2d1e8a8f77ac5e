namespace SaasExporter.Incremental;

/// <summary>
/// What the event-derived metrics need to know about each user, kept in flat arrays indexed by a slot per user id
/// (148 bytes per allocated slot with the default 3 platforms and 4 features, see <see cref="Bytes"/>): first and last qualifying event, the
/// latest gap longer than the dormancy window between two consecutive events, the last use of each configured platform
/// and feature, a bitmap of active calendar days (reporting time zone), and the event instants of the session window
/// (ActivityIndex.Instants.cs). Instants are UTC ticks. Every update is a
/// max, a min or a set bit, so reading the same event twice changes nothing. Not thread-safe: the store serialises access.
/// </summary>
internal sealed partial class ActivityIndex
{
    /// <summary>Days kept in the bitmap: more than the 84 days retention reads back, plus room before a shift.</summary>
    public const int DayWords = 4;

    private const int DaysKept = DayWords * 64;
    private const long None = long.MinValue;

    private readonly Dictionary<long, int> _slots = [];
    private readonly long _longGap;
    private long[] _first = [];
    private long[] _last = [];
    private long[] _gapStart = [];
    private long[] _gapEnd = [];
    private long[] _platformLast = [];
    private long[] _featureLast = [];
    private ulong[] _days = [];

    public ActivityIndex(int platforms, int features, TimeSpan dormancyWindow, int today, DateTimeOffset watermark)
    {
        Platforms = platforms;
        Features = features;
        _longGap = dormancyWindow.Ticks;
        FirstDay = today - DaysKept + 64;
        Watermark = watermark;
    }

    public int Platforms { get; }

    public int Features { get; }

    /// <summary>Calendar day (days since 2000-01-01) of the bitmap's first bit; older days are not kept.</summary>
    public int FirstDay { get; private set; }

    /// <summary>Every qualifying event with occurred_at up to here has been read (minus the lateness allowance).</summary>
    public DateTimeOffset Watermark { get; set; }

    public int Count { get; private set; }

    /// <summary>Wall-clock time the full load behind this index finished (kept by a snapshot across restarts).</summary>
    public DateTimeOffset BuiltAt { get; set; }

    /// <summary>
    /// Managed memory held by the per-user arrays and the id map at their allocated capacity (saas_exporter_index_bytes):
    /// 8 bytes per slot for each of first, last, gap start, gap end, each platform, each feature and each day word, and
    /// per map entry 24 bytes (hash, next, key, value, padded) and a 4-byte bucket, and the session instants. Other object
    /// headers are left out.
    /// </summary>
    public long Bytes => ((long)_first.Length * 8 * (4 + Platforms + Features + DayWords)) + ((long)_slots.EnsureCapacity(0) * (24 + 4)) + InstantBytes();

    public long Last(int slot) => _last[slot];

    public long First(int slot) => _first[slot];

    /// <summary>
    /// Dormancy at a window start: the user had an event at or before <paramref name="a"/> (now - 2W) and none in
    /// (a, b = now - W]. Either the last event is at or before a, or the latest long gap (two consecutive events more
    /// than W apart) starts at or before a and ends after b; the second kind are active again in (b, now]: resurrected.
    /// Holds for any now at or after every event the index has read.
    /// </summary>
    public (bool Dormant, bool Resurrected) Dormancy(int slot, long a, long b)
    {
        if (_last[slot] <= a)
        {
            return (true, false);
        }

        var resurrected = _gapStart[slot] != None && _gapStart[slot] <= a && _gapEnd[slot] > b;
        return (resurrected, resurrected);
    }

    public long PlatformLast(int slot, int platform) => _platformLast[(slot * Platforms) + platform];

    public long FeatureLast(int slot, int feature) => _featureLast[(slot * Features) + feature];

    public bool TryGetSlot(long userId, out int slot) => _slots.TryGetValue(userId, out slot);

    /// <summary>Whether the user was active on a calendar day; days before <see cref="FirstDay"/> are unknown (false).</summary>
    public bool ActiveOn(int slot, int day)
    {
        var bit = day - FirstDay;
        return bit is >= 0 and < DaysKept && (_days[(slot * DayWords) + (bit >> 6)] & (1UL << (bit & 63))) != 0;
    }

    /// <summary>Distinct active days in [from, to].</summary>
    public int ActiveDays(int slot, int from, int to)
    {
        var count = 0;
        for (var day = Math.Max(from, FirstDay); day <= to; day++)
        {
            count += ActiveOn(slot, day) ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// Records qualifying activity of a user: the earliest and latest instant of a group of its events, their calendar
    /// day (or null when older than the bitmap needs), and the platform and feature they share (-1: none configured).
    /// </summary>
    public void Add(long userId, long earliest, long latest, int? day, int platform, int feature)
    {
        var slot = SlotFor(userId);
        AddInstant(slot, earliest);
        AddInstant(slot, latest);
        if (platform >= 0)
        {
            ref var p = ref _platformLast[(slot * Platforms) + platform];
            p = Math.Max(p, latest);
        }

        if (feature >= 0)
        {
            ref var f = ref _featureLast[(slot * Features) + feature];
            f = Math.Max(f, latest);
        }

        if (day is { } d)
        {
            SetDay(slot, d);
        }
    }

    /// <summary>
    /// Keeps first, last and the latest long gap between consecutive instants. Only the latest long gap can ever decide
    /// dormancy: an earlier one ends before the latest one starts, so more than a window before any later now.
    /// </summary>
    private void AddInstant(int slot, long x)
    {
        ref var first = ref _first[slot];
        ref var last = ref _last[slot];
        ref var gapStart = ref _gapStart[slot];
        ref var gapEnd = ref _gapEnd[slot];
        if (last == None)
        {
            first = last = x;
            return;
        }

        if (x > last)
        {
            if (x - last > _longGap)
            {
                (gapStart, gapEnd) = (last, x);
            }

            last = x;
        }
        else if (x < first)
        {
            if (first - x > _longGap && gapStart == None)
            {
                (gapStart, gapEnd) = (x, first);
            }

            first = x;
        }
        else if (gapStart != None && x > gapStart && x < gapEnd)
        {
            // A late event splits the gap; if neither half is long, any older long gap is too old to matter.
            (gapStart, gapEnd) = gapEnd - x > _longGap ? (x, gapEnd) : x - gapStart > _longGap ? (gapStart, x) : (None, None);
        }
    }

    private void SetDay(int slot, int day)
    {
        if (day < FirstDay)
        {
            return;
        }

        while (day - FirstDay >= DaysKept)
        {
            ShiftOneWord();
        }

        var bit = day - FirstDay;
        _days[(slot * DayWords) + (bit >> 6)] |= 1UL << (bit & 63);
    }

    /// <summary>Drops the oldest 64 days of every user (once every 64 days of uptime).</summary>
    private void ShiftOneWord()
    {
        for (var slot = 0; slot < Count; slot++)
        {
            var words = _days.AsSpan(slot * DayWords, DayWords);
            words[1..].CopyTo(words);
            words[^1] = 0;
        }

        FirstDay += 64;
    }

    private int SlotFor(long userId)
    {
        if (_slots.TryGetValue(userId, out var slot))
        {
            return slot;
        }

        if (Count == _first.Length)
        {
            Grow(Math.Max(1024, Count * 2));
        }

        slot = Count++;
        _slots[userId] = slot;
        _first[slot] = _last[slot] = _gapStart[slot] = _gapEnd[slot] = None;
        _platformLast.AsSpan(slot * Platforms, Platforms).Fill(None);
        _featureLast.AsSpan(slot * Features, Features).Fill(None);
        return slot;
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _first, capacity);
        Array.Resize(ref _last, capacity);
        Array.Resize(ref _gapStart, capacity);
        Array.Resize(ref _gapEnd, capacity);
        Array.Resize(ref _platformLast, capacity * Platforms);
        Array.Resize(ref _featureLast, capacity * Features);
        Array.Resize(ref _days, capacity * DayWords);
        Array.Resize(ref _instants, capacity);
    }
}
