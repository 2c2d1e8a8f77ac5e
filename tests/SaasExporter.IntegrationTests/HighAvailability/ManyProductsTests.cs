using System.Globalization;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Slo;

namespace SaasExporter.IntegrationTests.HighAvailability;

/// <summary>
/// Two products on one Prometheus (docs/high-availability.md, Many products on one Prometheus): two demo databases
/// with different data, an exporter on each, scraped as the jobs <c>crm</c> and <c>billing</c> with the shipped rules.
/// Every ratio and SLI comes out per job, equal to what that product's own exporter serves, never one over both.
/// </summary>
public sealed class ManyProductsTests
{
    private static readonly (string Job, double Scale, int Seed)[] Products = [("crm", 0.3, 7), ("billing", 0.15, 11)];

    [Fact]
    public async Task OnePrometheus_ScrapingTwoProducts_GivesEachItsOwnRatiosAndSloErrorRatio()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var exporters = new List<ExporterUnderTest>();
        try
        {
            foreach (var (job, scale, seed) in Products)
            {
                var connectionString = await cluster.CreateDatabaseAsync(job);
                await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(scale, seed, SeededDatabase.AsOf, 120));
                var exporter = await ExporterUnderTest.StartAsync(connectionString, AlertStack.ComposeSettings(TimeSpan.FromSeconds(20)));
                exporters.Add(exporter);
                await exporter.WaitReadyAsync();
            }

            await using var prometheus = await PrometheusServer.StartAsync(listen => ProductScrapeConfig.Generate(
                [.. Products.Zip(exporters, (p, e) => (p.Job, (IReadOnlyList<Uri>)[e.Client.BaseAddress!]))], listen));
            await prometheus.WaitForDataAsync("count(saas:dau_mau:ratio{entity=\"user\"})", TimeSpan.FromSeconds(90), v => v == Products.Length);
            await prometheus.WaitForDataAsync($"count(slo:sli_error:ratio_rate5m{{sloth_slo=\"{PowerUsers.Name}\"}})", TimeSpan.FromSeconds(90), v => v == Products.Length);

            var ownRatios = new List<double>();
            foreach (var ((job, _, _), exporter) in Products.Zip(exporters))
            {
                var served = await exporter.ScrapeAsync();
                var mau = served.Value("saas_active_users", ("entity", "user"), ("window", "30d"));
                var dauMau = served.Value("saas_active_users", ("entity", "user"), ("window", "1d")) / mau;
                var arr = served.Family("saas_mrr").Values.Sum() * 12;
                var powerRatio = served.Value("saas_power_users") / mau;
                ownRatios.Add(dauMau);

                AssertClose(dauMau, await OneAsync(prometheus, $"saas:dau_mau:ratio{{entity=\"user\", job=\"{job}\"}}"), job, "saas:dau_mau:ratio");
                AssertClose(arr, await OneAsync(prometheus, $"saas:arr{{job=\"{job}\"}}"), job, "saas:arr");
                Assert.True(mau >= PowerUsers.MinEvents, $"{job}: {mau} monthly active users, below the SLO's minimum population {PowerUsers.MinEvents}");
                AssertClose(powerRatio, await OneAsync(prometheus, $"slo:sli:ratio{{sloth_slo=\"{PowerUsers.Name}\", job=\"{job}\"}}"), job, "slo:sli:ratio");
                // Values are pinned (AsOf), so every evaluation of the last 5 minutes is good or every one bad.
                var expectedError = powerRatio >= (double)PowerUsers.TimeSliceTarget!.Value ? 0 : 1;
                AssertClose(expectedError, await OneAsync(prometheus, $"slo:sli_error:ratio_rate5m{{sloth_slo=\"{PowerUsers.Name}\", job=\"{job}\"}}"), job, "slo:sli_error:ratio_rate5m");
            }

            Assert.NotEqual(ownRatios[0], ownRatios[1]);
            Assert.Equal(Products.Length, Assert.Single(await prometheus.ValuesAsync("count(saas:arr)")));
        }
        finally
        {
            foreach (var exporter in exporters)
            {
                await exporter.DisposeAsync();
            }
        }
    }

    private static SloDefinition PowerUsers { get; } = SloGenerator.Plan(Repository.Root, Path.Combine("prometheus", "slos"), new Diagnostics())
        .Single(p => p.Slo.Name == "power-user-ratio").Slo;

    private static async Task<double> OneAsync(PrometheusServer prometheus, string promql) =>
        Assert.Single(await prometheus.ValuesAsync(promql));

    private static void AssertClose(double expected, double actual, string job, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)),
            $"{job}: {what} is {actual.ToString(CultureInfo.InvariantCulture)} in Prometheus, {expected.ToString(CultureInfo.InvariantCulture)} from the product's own exporter");
}
