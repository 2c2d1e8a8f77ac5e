using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

/// <summary><c>slo generate --catalogue</c> against the shipped SLOs and the compose exporter configuration.</summary>
public sealed class SliCatalogueCheckTests
{
    private static (int ExitCode, string Errors) Generate(string customCollectorsFile)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = SloCommand.Generate(
            ["--check", "--catalogue", "--ExcludedEvents:0=notification_sent", $"--CustomCollectorsFile={customCollectorsFile}"],
            RepositoryRoot.Path, output, error);
        return (exitCode, error.ToString());
    }

    [Fact]
    public void ShippedSlos_AgainstTheComposeCatalogue_HaveEveryInputServed()
    {
        var (exitCode, errors) = Generate(Path.Combine(RepositoryRoot.Path, "exporter", "crm-collectors.yml"));

        Assert.True(exitCode == 0, errors);
    }

    [Fact]
    public void SliOnAWindowTheCustomCollectorDoesNotServe_IsAnErrorNamingTheSloAndTheWindow()
    {
        var shipped = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "exporter", "crm-collectors.yml"));
        Assert.Contains("windows: [1d, 7d, 30d, 90d]", shipped, StringComparison.Ordinal);
        var withoutDaily = Path.Combine(Directory.CreateTempSubdirectory("saas-exporter-sli-").FullName, "crm-collectors.yml");
        File.WriteAllText(withoutDaily, shipped.Replace("windows: [1d, 7d, 30d, 90d]", "windows: [7d, 30d, 90d]", StringComparison.Ordinal));
        try
        {
            var (exitCode, errors) = Generate(withoutDaily);

            Assert.Equal(2, exitCode);
            var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
            Assert.Contains(lines, l => l.Contains("SLO/deals-created-rate: indicator: crm_deals_created{window=\"1d\"}", StringComparison.Ordinal) && l.Contains("7d, 30d, 90d", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("SLO/contact-creation-rate: indicator:", StringComparison.Ordinal));
            // Through its recording rule (prometheus/rules/slo_inputs.yml), which reads crm_emails_sent{window="1d"}.
            Assert.Contains(lines, l => l.Contains("SLO/emails-sent-per-user: indicator:", StringComparison.Ordinal));
            Assert.Equal(3, lines.Count);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(withoutDaily)!, recursive: true);
        }
    }
}
