using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using SaasExporter.Slo;

namespace SaasExporter.Configuration;

/// <summary>
/// TimeSpan settings take the one duration grammar of the files (<c>Interval=5m</c>) as well as the legacy
/// <c>[d.]hh:mm:ss[.fraction]</c> (<c>Interval=00:05:00</c>, <c>RebuildInterval=1.00:00:00</c>), and nothing else:
/// .NET's own TimeSpan parsing would also read <c>5</c> as five days and accept negative lengths. Registered for
/// TimeSpan with the TypeDescriptor, which both the configuration binder and <see cref="ConfigurationKeys"/> convert
/// through.
/// </summary>
public sealed partial class DurationSetting : TimeSpanConverter
{
    private static int registered;

    /// <summary>Makes every TimeSpan conversion of this process accept the duration grammar; idempotent.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(DurationSetting)));
        }
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is not string text)
        {
            return base.ConvertFrom(context, culture, value);
        }

        text = text.Trim();
        if (Durations.TryParse(text, Durations.Prometheus, out var duration))
        {
            return duration;
        }

        return ClockLength().IsMatch(text) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var clock)
            ? clock
            : throw new FormatException($"'{text}' is not a duration: expected one such as 5m, 1h30m or 00:05:00");
    }

    [GeneratedRegex(@"^([0-9]+\.)?[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?$")]
    private static partial Regex ClockLength();
}
