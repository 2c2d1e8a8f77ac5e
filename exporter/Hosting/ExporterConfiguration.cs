using Microsoft.Extensions.Options;
using SaasExporter.Configuration;

namespace SaasExporter.Hosting;

/// <summary>
/// Builds configuration from appsettings.json, SAAS_EXPORTER_* environment variables and --Key=Value arguments (later
/// sources win), and validates it before anything starts.
/// </summary>
public static class ExporterConfiguration
{
    public const string EnvironmentPrefix = "SAAS_EXPORTER_";

    public static IConfigurationRoot Build(IEnumerable<string> args) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine([.. args])
            .Build();

    /// <summary>Every configuration problem as one line naming the key; empty when the configuration is valid.</summary>
    public static IReadOnlyList<string> Validate(IConfiguration configuration)
    {
        var unknown = UnknownKeys.Find(configuration);
        if (unknown.Count > 0)
        {
            return unknown;
        }

        var services = new ServiceCollection();
        services.AddExporterOptions(configuration);
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<ExporterOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            return [BinderMessage(e.Message)];
        }
    }

    // "Failed to convert configuration value 'x' at 'AsOf' to type 'System.Nullable`1[System.DateTimeOffset]'."
    private static string BinderMessage(string message)
    {
        var parts = message.Split('\'');
        return parts.Length >= 6
            ? $"{parts[3]} = '{parts[1]}': not a valid {FriendlyType(parts[5])}"
            : message;
    }

    private static string FriendlyType(string type) => type switch
    {
        _ when type.Contains("TimeSpan", StringComparison.Ordinal) => "duration (hh:mm:ss, for example 00:01:00)",
        _ when type.Contains("DateTimeOffset", StringComparison.Ordinal) => "ISO-8601 instant (for example 2026-11-01T00:00:00Z)",
        _ when type.Contains("Int32", StringComparison.Ordinal) => "whole number",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "boolean (true or false)",
        _ => type,
    };
}
