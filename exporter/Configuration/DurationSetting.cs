using System.ComponentModel;
using System.Globalization;
using SaasExporter.Slo;

namespace SaasExporter.Configuration;

/// <summary>
/// TimeSpan settings take the one duration grammar of the files (<c>Interval=5m</c>) as well as <c>hh:mm:ss</c>
/// (<c>Interval=00:05:00</c>). Registered for TimeSpan with the TypeDescriptor, which both the configuration binder
/// and <see cref="ConfigurationKeys"/> convert through.
/// </summary>
public sealed class DurationSetting : TimeSpanConverter
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

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text && Durations.TryParse(text.Trim(), Durations.Prometheus, out var duration)
            ? duration
            : base.ConvertFrom(context, culture, value);
}
