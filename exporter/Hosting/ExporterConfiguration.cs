using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Web;

namespace SaasExporter.Hosting;

/// <summary>
/// Builds configuration from appsettings.json, SAAS_EXPORTER_* environment variables and --Key=Value arguments (later
/// sources win), and validates it before anything starts.
/// </summary>
public static class ExporterConfiguration
{
    public const string EnvironmentPrefix = "SAAS_EXPORTER_";

    public static IConfigurationRoot Build(IEnumerable<string> args) =>
        Build(args, Path.Combine(AppContext.BaseDirectory, "appsettings.json"));

    /// <summary>
    /// Builds from the given settings file; a file that is not valid JSON, or an argument the command-line source
    /// cannot read, becomes an <see cref="InvalidConfigurationException"/> with one line naming it.
    /// </summary>
    internal static IConfigurationRoot Build(IEnumerable<string> args, string settingsFile)
    {
        var arguments = args.ToList();
        if (Positional(arguments) is { } positional)
        {
            throw new InvalidConfigurationException(
                $"command line: '{positional}': unexpected argument (configuration is given as --Key=Value)");
        }

        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(settingsFile, optional: true)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddCommandLine([.. arguments])
                .Build();
        }
        catch (InvalidDataException e)
        {
            // The JSON provider wraps the parser's error, which names the line and position, twice.
            var detail = e.GetBaseException().Message.ReplaceLineEndings(" ");
            throw new InvalidConfigurationException($"{settingsFile}: not valid JSON: {detail}", e);
        }
        catch (FormatException e)
        {
            throw new InvalidConfigurationException($"command line: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>
    /// The first argument the command-line source would silently ignore: one that is neither a key (--Key, -Key,
    /// /Key, Key=Value) nor the value of the key before it (--Key Value).
    /// </summary>
    private static string? Positional(List<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var isKey = argument.StartsWith('-') || argument.StartsWith('/');
            if (!isKey && !argument.Contains('=', StringComparison.Ordinal))
            {
                return argument;
            }

            if (isKey && !argument.Contains('=', StringComparison.Ordinal))
            {
                i++; // its value
            }
        }

        return null;
    }

    /// <summary>Every configuration problem as one line naming the key; empty when the configuration is valid.</summary>
    public static IReadOnlyList<string> Validate(IConfiguration configuration)
    {
        var unknown = ConfigurationKeys.Find(configuration);
        if (unknown.Count > 0)
        {
            return unknown;
        }

        // The services the commands run with, not a subset: resolving a collector needs whatever it depends on (the
        // indexed collectors need the activity index, which needs the query runner). Nothing here opens a connection.
        using var provider = new ServiceCollection().AddLogging().AddExporter(configuration).BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<ExporterOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }

        return [.. ValidateCustomCollectors(configuration, provider), .. WebSecurity.Validate(configuration)];
    }

    /// <summary>The custom collector file's problems, including names taken by built-in collectors and metrics.</summary>
    private static IReadOnlyList<string> ValidateCustomCollectors(IConfiguration configuration, IServiceProvider provider)
    {
        var path = configuration[nameof(ExporterOptions.CustomCollectorsFile)];
        if (string.IsNullOrWhiteSpace(path))
        {
            return [];
        }

        var builtIn = provider.GetServices<IMetricCollector>().Where(c => c is not CustomSqlCollector).ToList();
        // The exporter's own saas_exporter_* series fall under the reserved saas_ prefix the file reader enforces.
        var metrics = builtIn.SelectMany(c => c.Families.Select(f => (f.Name, c.Name)))
            .ToDictionary(m => m.Item1, m => m.Item2, StringComparer.Ordinal);
        var errors = CustomCollectorFile.Load(path, metrics, [.. builtIn.Select(c => c.Name)]).Errors;
        return [.. errors.Select(e => $"{nameof(ExporterOptions.CustomCollectorsFile)}: {e}")];
    }
}
