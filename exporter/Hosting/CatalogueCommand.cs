using SaasExporter.Catalogue;

namespace SaasExporter.Hosting;

/// <summary>
/// <c>saas-exporter catalogue [--Key=Value ...]</c>: prints, as JSON, every series the exporter can serve with this
/// configuration, its labels and their bounded values, without connecting to the database.
/// </summary>
internal static class CatalogueCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var settings = ExporterConfiguration.Load(arguments);
        if (settings.Errors.Count > 0)
        {
            return Help.ConfigurationErrors(settings.Errors);
        }

        await using var stdout = Console.OpenStandardOutput();
        CatalogueJson.Write(ExporterCatalogue.For(settings), stdout);
        return ExitCodes.Ok;
    }
}
