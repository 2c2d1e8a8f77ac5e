using System.ComponentModel;
using System.Globalization;

namespace SaasExporter.Configuration;

/// <summary>
/// Converts a setting's text to a <see cref="Window"/>: the configuration binder and <see cref="ConfigurationKeys"/>
/// convert through it, so a window setting is parsed, and a bad one reported, once.
/// </summary>
public sealed class WindowConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? Window.TryParse(text, out var window) ? window : throw new FormatException($"'{text}': {Window.Expected}")
            : base.ConvertFrom(context, culture, value);
}
