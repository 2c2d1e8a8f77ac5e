using System.Globalization;
using SaasExporter.Polling;

namespace SaasExporter.Hosting;

/// <summary>How fresh a collector's published values are, for the landing page.</summary>
internal enum Freshness { Fresh, Stale, Loading, Failing, Disabled }

/// <summary>
/// A collector is stale when its last success is older than twice its interval (one missed poll is a retry, two are a
/// problem), loading before its first poll ends, failing when its last poll failed (its last good values are still
/// served).
/// </summary>
internal static class CollectorFreshness
{
    public static Freshness Of(CollectorStatus status, TimeSpan interval, DateTimeOffset now) => status switch
    {
        { Enabled: false } => Freshness.Disabled,
        { LastSuccess: { } success } when now - success > 2 * interval => Freshness.Stale,
        { LastError: not null } => Freshness.Failing,
        { LastSuccess: null } => Freshness.Loading,
        _ => Freshness.Fresh,
    };

    /// <summary>"12 s ago", "5 min ago", "3 h ago", "2 d ago": whole units, rounded down.</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        var (amount, unit) = age switch
        {
            { TotalSeconds: < 120 } => (age.TotalSeconds, "s"),
            { TotalMinutes: < 120 } => (age.TotalMinutes, "min"),
            { TotalHours: < 48 } => (age.TotalHours, "h"),
            _ => (age.TotalDays, "d"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(amount):F0} {unit} ago");
    }
}
