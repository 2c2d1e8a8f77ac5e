using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Slo;

namespace SaasExporter.IntegrationTests.Prometheus;

/// <summary>The committed generated SLO rules and tests are exactly what the compiler makes of prometheus/slos/.</summary>
public sealed class SloGenerationTests
{
    [Fact]
    public void GeneratedFiles_MatchTheCommittedOnes()
    {
        var result = SloGenerator.Generate(Repository.Root, SloCommand.DefaultInput, SloCommand.DefaultRules, SloCommand.DefaultTests, ExporterServedSeries.Value);

        Assert.Empty(result.Diagnostics.Errors);
        var stale = SloCommand.Differences(Repository.PathOf(SloCommand.DefaultRules), result.Rules)
            .Concat(SloCommand.Differences(Repository.PathOf(SloCommand.DefaultTests), result.Tests)).ToList();
        Assert.True(stale.Count == 0,
            $"generated SLO files are out of date: {string.Join(", ", stale)}; regenerate with `dotnet run --project exporter -- slo generate` from the repository root and commit");
    }

    [Fact]
    public void EverySeedSlo_HasATierThatCanFire()
    {
        var result = SloGenerator.Generate(Repository.Root, SloCommand.DefaultInput, SloCommand.DefaultRules, SloCommand.DefaultTests, ExporterServedSeries.Value);

        Assert.Equal(26, result.Slos.Count);
        Assert.All(result.Slos, s => Assert.Contains(s.Tiers, t => t.Factor * s.Slo.ErrorBudget < 1));
    }
}
