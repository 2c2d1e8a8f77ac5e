using SaasExporter.Catalogue;
using SaasExporter.Hosting;

namespace SaasExporter.Slo;

/// <summary>
/// <c>slo generate --catalogue</c>: every SLI input of every SLO must be able to select a series that the exporter
/// serves with the given configuration, directly or through a recording rule of the hand-written rule files. An SLI
/// that never can would raise SLODataStale forever and never burn; it is an error naming the file, the SLO and why.
/// </summary>
internal static class SliCatalogueCheck
{
    /// <summary>Adds one error per unservable SLI input to the result; returns configuration errors instead, if any.</summary>
    public static IReadOnlyList<string>? Run(SloGenerator.Result result, IReadOnlyList<string> exporterSettings, string ruleDirectory)
    {
        // The catalogue is built without touching the database; a connection string is only required to validate.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:ConnectionString"] = "Host=127.0.0.1" })
            .AddConfiguration(ExporterConfiguration.Build(exporterSettings))
            .Build();
        var settings = ExporterConfiguration.Load(configuration);
        if (settings.Errors.Count > 0)
        {
            return settings.Errors;
        }

        var ruleFiles = Directory.Exists(ruleDirectory) ? Directory.GetFiles(ruleDirectory, "*.yml").Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
        var checker = SelectorChecker.Load(ExporterCatalogue.For(settings), ruleFiles);
        foreach (var (slo, _) in result.Slos)
        {
            foreach (var input in slo.Sli.Inputs.Select(s => s.Text).Distinct(StringComparer.Ordinal))
            {
                foreach (var (selector, verdict) in checker.Check(input))
                {
                    if (!verdict.CanMatch)
                    {
                        result.Diagnostics.Error(slo.File, $"SLO/{slo.Name}", "indicator", $"{selector} can never select a served series: {verdict.Reason}");
                    }
                }
            }
        }

        return null;
    }
}
