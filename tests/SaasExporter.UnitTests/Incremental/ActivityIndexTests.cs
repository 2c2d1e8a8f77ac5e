using SaasExporter.Incremental;

namespace SaasExporter.UnitTests.Incremental;

public sealed class ActivityIndexTests
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(30);
    private static readonly long Origin = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private static long At(double days) => Origin + (long)(days * TimeSpan.TicksPerDay);

    /// <summary>
    /// Events of one user read in random order and in random batches (some rows arriving late, some twice), checked
    /// after each batch against the definition computed directly over the rows read so far, at several instants.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Dormancy_InAnyReadOrder_EqualsTheDefinitionOverTheRowsRead(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 300; trial++)
        {
            // Clustered activity with long pauses, on a microsecond grid so exact-edge cases occur.
            var events = new List<long>();
            var t = random.NextDouble() * 20;
            while (t < 300)
            {
                events.Add(At(Math.Round(t, 1)));
                t += random.Next(4) == 0 ? random.Next(25, 95) : random.NextDouble() * 3;
            }

            var index = new ActivityIndex(1, 1, Window, today: 0, DateTimeOffset.UnixEpoch);
            var read = new List<long>();
            var pending = events.OrderBy(_ => random.Next()).ToList();
            var horizon = events.Max();
            while (pending.Count > 0)
            {
                var batch = pending.Take(random.Next(1, 6)).ToList();
                pending.RemoveRange(0, batch.Count);
                foreach (var x in batch.Concat(read.Take(random.Next(2))))
                {
                    index.Add(1, x, x, null, -1, -1);
                    read.Add(x);
                }

                Assert.True(index.TryGetSlot(1, out var slot));
                Assert.Equal(read.Max(), index.Last(slot));
                Assert.Equal(read.Min(), index.First(slot));
                foreach (var now in new[] { horizon, horizon + 1, At(random.Next(0, 400)) }.Where(n => n >= horizon))
                {
                    var a = now - (2 * Window.Ticks);
                    var b = now - Window.Ticks;
                    var dormant = read.Any(x => x <= a) && !read.Any(x => x > a && x <= b);
                    var resurrected = dormant && read.Any(x => x > b && x <= now);
                    Assert.Equal((dormant, resurrected), index.Dormancy(slot, a, b));
                }
            }
        }
    }

    [Fact]
    public void Dormancy_GapOfExactlyTheWindow_IsNotLong()
    {
        var index = new ActivityIndex(1, 1, Window, today: 0, DateTimeOffset.UnixEpoch);
        index.Add(1, At(0), At(0), null, -1, -1);
        index.Add(1, At(30), At(30), null, -1, -1);
        index.TryGetSlot(1, out var slot);

        // now = day 60: a = day 0 (an event), b = day 30 (an event in (a, b]): not dormant.
        Assert.Equal((false, false), index.Dormancy(slot, At(0), At(30)));
        index.Add(1, At(30) + 1, At(30) + 1, null, -1, -1);
        Assert.Equal((false, false), index.Dormancy(slot, At(0) + 1, At(30) + 1));
    }

    [Fact]
    public void Add_PlatformsFeaturesAndDays_KeepTheLatestUseAndEveryDay()
    {
        var index = new ActivityIndex(2, 3, Window, today: 1000, DateTimeOffset.UnixEpoch);
        index.Add(7, At(1), At(2), 999, 1, 2);
        index.Add(7, At(0), At(1), 1000, 1, -1);
        index.Add(7, At(0), At(0), 1000, -1, 0);
        index.TryGetSlot(7, out var slot);

        Assert.Equal(long.MinValue, index.PlatformLast(slot, 0));
        Assert.Equal(At(2), index.PlatformLast(slot, 1));
        Assert.Equal(At(0), index.FeatureLast(slot, 0));
        Assert.Equal(long.MinValue, index.FeatureLast(slot, 1));
        Assert.Equal(At(2), index.FeatureLast(slot, 2));
        Assert.Equal(2, index.ActiveDays(slot, 990, 1000));
        Assert.Equal(1, index.ActiveDays(slot, 1000, 1000));
        Assert.False(index.TryGetSlot(8, out _));
    }

    [Fact]
    public void Add_DayBeyondTheBitmap_ShiftsItAndKeepsTheLast192Days()
    {
        var index = new ActivityIndex(1, 1, Window, today: 1000, DateTimeOffset.UnixEpoch);
        for (var user = 1; user <= 3; user++)
        {
            index.Add(user, At(0), At(0), 1000 - 100, -1, -1);
            index.Add(user, At(0), At(0), 1000 - 150, -1, -1);
        }

        index.Add(2, At(1), At(1), 1000 + 100, -1, -1);

        index.TryGetSlot(3, out var slot);
        Assert.True(index.FirstDay <= 1100 - 192 && index.FirstDay > 1000 - 150);
        Assert.True(index.ActiveOn(slot, 900));
        Assert.False(index.ActiveOn(slot, 850));
        index.TryGetSlot(2, out slot);
        Assert.Equal(2, index.ActiveDays(slot, 0, 2000));
    }
}
