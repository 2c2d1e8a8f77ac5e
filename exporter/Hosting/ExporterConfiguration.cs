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
        var unknown = ConfigurationKeys.Find(configuration);
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
    }
}
