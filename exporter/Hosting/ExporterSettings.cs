using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Web;

namespace SaasExporter.Hosting;

/// <summary>
/// The configuration of one process, loaded once (<see cref="ExporterConfiguration.Load(IConfiguration)"/>): the bound
/// and validated options, the custom collectors and the web config as their files read at that moment, and every
/// problem found, one line each. Every command starts from it, so the files served are the files validated.
/// </summary>
/// <param name="Configuration">The configuration sources, for the host's own sections (Logging).</param>
/// <param name="Options">The options; meaningful only when <paramref name="Errors"/> is empty.</param>
/// <param name="CustomCollectors">The collectors of CustomCollectorsFile; none when it is unset or has problems.</param>
/// <param name="Web">The web config of WebConfigFile; <see cref="WebConfig.None"/> when it is unset or has problems.</param>
/// <param name="Errors">Every configuration problem; the commands refuse to start unless it is empty.</param>
public sealed record ExporterSettings(
    IConfiguration Configuration,
    ExporterOptions Options,
    IReadOnlyList<CustomCollectorDefinition> CustomCollectors,
    WebConfig Web,
    IReadOnlyList<string> Errors)
{
    /// <summary>Every collector, built-in then custom, as descriptors: nothing is built to know them.</summary>
    public IReadOnlyList<CollectorDescriptor> Collectors { get; } = Describe(CustomCollectors);

    /// <summary>The built-in collectors' descriptors, then those of these custom collectors.</summary>
    internal static IReadOnlyList<CollectorDescriptor> Describe(IEnumerable<CustomCollectorDefinition> custom) =>
        [.. BuiltInCollectors.Descriptors, .. custom.Select(CustomSqlCollector.Describe)];
}
