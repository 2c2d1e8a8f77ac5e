using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Web;

namespace SaasExporter.Hosting;

/// <summary>
/// Builds configuration from appsettings.json, SAAS_EXPORTER_* environment variables and --Key=Value arguments (later
/// sources win), and loads it once, validated, into <see cref="ExporterSettings"/> before anything starts.
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

    /// <summary>Builds the configuration from these arguments and loads it (<see cref="Load(IConfiguration)"/>).</summary>
    public static ExporterSettings Load(IEnumerable<string> args) => Load(Build(args));

    /// <summary>
    /// Reads every setting and configuration file once: unknown keys first (nothing is bound past one), then the custom
    /// collector file (its collectors may be configured under Collectors), then the options, bound over each
    /// collector's default schedule and validated, then the web config. A problem is one line naming the key.
    /// </summary>
    public static ExporterSettings Load(IConfiguration configuration)
    {
        var unknown = ConfigurationKeys.Find(configuration);
        if (unknown.Count > 0)
        {
            return Refused(configuration, unknown);
        }

        var custom = LoadCustomCollectors(configuration[nameof(ExporterOptions.CustomCollectorsFile)]);
        var collectors = ExporterSettings.Describe(custom.Collectors);
        ExporterOptions options;
        try
        {
            options = OptionsFactory(configuration, collectors).Create(Microsoft.Extensions.Options.Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            return Refused(configuration, [.. e.Failures]);
        }

        var web = LoadWebConfig(options.WebConfigFile);
        return new ExporterSettings(configuration, options, custom.Collectors, web.Config ?? WebConfig.None,
        [
            .. custom.Errors.Select(e => $"{nameof(ExporterOptions.CustomCollectorsFile)}: {e}"),
            .. web.Errors.Select(e => $"{nameof(ExporterOptions.WebConfigFile)}: {e}"),
        ]);
    }

    /// <summary>
    /// The options pipeline of Microsoft.Extensions.Options without a container: each collector's default schedule goes
    /// in first, configuration then overrides only the keys it sets; defaults of unset lists follow, then validation.
    /// </summary>
    private static OptionsFactory<ExporterOptions> OptionsFactory(IConfiguration configuration, IReadOnlyList<CollectorDescriptor> collectors) => new(
        [
            new ConfigureOptions<ExporterOptions>(options =>
            {
                foreach (var collector in collectors)
                {
                    options.Collectors[collector.Name] = new CollectorOptions
                    {
                        Interval = collector.DefaultSchedule.Interval,
                        Timeout = collector.DefaultSchedule.Timeout,
                    };
                }
            }),
            new ConfigureFromConfigurationOptions<ExporterOptions>(configuration),
        ],
        [new PostConfigureOptions<ExporterOptions>(Microsoft.Extensions.Options.Options.DefaultName, options => options.ApplyDefaults())],
        [new ExporterOptionsValidator(collectors.Select(c => c.Name))]);

    /// <summary>The custom collector file's collectors, checked against the built-in collectors' names and metrics.</summary>
    private static CustomCollectorLoad LoadCustomCollectors(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return new CustomCollectorLoad([], []);
        }

        // The exporter's own saas_exporter_* series fall under the reserved saas_ prefix the file reader enforces.
        var builtIn = BuiltInCollectors.Descriptors;
        var metrics = builtIn.SelectMany(c => c.Families.Select(f => (f.Name, c.Name))).ToDictionary(m => m.Item1, m => m.Item2, StringComparer.Ordinal);
        return CustomCollectorFile.Load(path, metrics, [.. builtIn.Select(c => c.Name)]);
    }

    private static WebConfigLoad LoadWebConfig(string? path) =>
        string.IsNullOrWhiteSpace(path) ? new WebConfigLoad(WebConfig.None, []) : WebConfigFile.Load(path);

    private static ExporterSettings Refused(IConfiguration configuration, IReadOnlyList<string> errors) =>
        new(configuration, new ExporterOptions(), [], WebConfig.None, errors);
}
