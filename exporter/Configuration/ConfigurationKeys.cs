using System.ComponentModel;
using System.Reflection;

namespace SaasExporter.Configuration;

/// <summary>
/// Finds configuration keys that no option declares (a typo must be an error, not a silently ignored setting) and
/// values that do not convert to their option's type. The binder alone is not enough: it ignores unknown keys and
/// swallows conversion errors inside dictionaries.
/// </summary>
internal static class ConfigurationKeys
{
    /// <summary>Root sections owned by the .NET host, not by the exporter.</summary>
    private static readonly HashSet<string> HostSections = new(StringComparer.OrdinalIgnoreCase) { "Logging" };

    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        DurationSetting.Register();
        var errors = new List<string>();
        foreach (var child in configuration.GetChildren())
        {
            if (!HostSections.Contains(child.Key))
            {
                Walk(child, typeof(ExporterOptions), errors);
            }
        }

        return errors;
    }

    private static void Walk(IConfigurationSection section, Type owner, List<string> errors)
    {
        var property = owner.GetProperty(section.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || !property.CanWrite)
        {
            errors.Add($"{section.Path}: unknown configuration key");
            return;
        }

        WalkValue(section, property.PropertyType, errors);
    }

    private static void WalkValue(IConfigurationSection section, Type type, List<string> errors)
    {
        var children = section.GetChildren().ToList();
        if (type != typeof(string) && (type.IsArray || type.IsClass) && children.Count == 0 && section.Value is { Length: > 0 })
        {
            // The binder silently ignores a plain value given to a list or a section.
            errors.Add(type.IsArray
                ? $"{section.Path}: is a list, not a value (set {section.Path}:0, {section.Path}:1, ...)"
                : $"{section.Path}: is a section, not a value");
        }
        else if (type.IsArray)
        {
            foreach (var child in children)
            {
                if (!int.TryParse(child.Key, out _) || child.GetChildren().Any())
                {
                    errors.Add($"{child.Path}: unknown configuration key (expected a list)");
                }
                else
                {
                    WalkValue(child, type.GetElementType()!, errors);
                }
            }
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var valueType = type.GetGenericArguments()[1];
            foreach (var child in children)
            {
                WalkValue(child, valueType, errors);
            }
        }
        else if (type.IsClass && type != typeof(string))
        {
            foreach (var child in children)
            {
                Walk(child, type, errors);
            }
        }
        else if (children.Count > 0)
        {
            errors.Add($"{section.Path}: is a value, not a section ({string.Join(", ", children.Select(c => c.Key))} unknown)");
        }
        else if (type == typeof(Window) && !Window.TryParse(section.Value, out _))
        {
            // Every window setting is bound as a Window; an empty one is no window either.
            errors.Add($"{section.Path} = '{section.Value}': {Window.Expected}");
        }
        else if (section.Value is { Length: > 0 } value && !Converts(value, type))
        {
            errors.Add($"{section.Path} = '{value}': not a valid {FriendlyType(type)}");
        }
    }

    private static bool Converts(string value, Type type)
    {
        // The enum converter also takes numbers ("1") and flag lists ("sql, incremental"): only a name is a setting.
        if ((Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } enumType)
        {
            return Enum.GetNames(enumType).Contains(value, StringComparer.OrdinalIgnoreCase);
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    private static string FriendlyType(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(TimeSpan) => "duration (for example 30s, 5m, 1h or 00:05:00)",
        var t when t == typeof(DateTimeOffset) => "ISO-8601 instant (for example 2026-11-01T00:00:00Z)",
        var t when t == typeof(int) => "whole number",
        var t when t == typeof(bool) => "boolean (true or false)",
        var t when t.IsEnum => $"value ({string.Join(" or ", Enum.GetNames(t).Select(n => n.ToLowerInvariant()))})",
        var t => t.Name,
    };
}
