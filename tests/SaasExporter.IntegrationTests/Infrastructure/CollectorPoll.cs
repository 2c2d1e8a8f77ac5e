using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaasExporter.Collectors;
using SaasExporter.Hosting;
using SaasExporter.Polling;
using SaasExporter.Publishing;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// Polls chosen collectors once each, exactly as the serve host does but without Kestrel, the scheduler or the other
/// collectors: the exporter's own registrations (<see cref="ServiceCollectionExtensions.AddExporter"/>) build the
/// collectors from the settings, and its <see cref="PollExecutor"/> checks the contract, queries through the real
/// query runner in a read-only session and publishes. What the tests read is the exposition of that container's
/// registry: the collectors' families and the exporter's own series (rows rejected, enabled, up, degraded), one poll's
/// worth, as /metrics would serve it after the first poll.
/// </summary>
internal static class CollectorPoll
{
    /// <summary>Polls each collector once, in order, and returns the exposition.</summary>
    /// <param name="connectionString">The product database (Database:ConnectionString).</param>
    /// <param name="settings">Configuration keys as the host reads them (AsOf, Collectors:..., AccountHealth:...).</param>
    /// <param name="collectors">Collector names, as in configuration.</param>
    public static async Task<Exposition> PollAsync(string connectionString, IDictionary<string, string?> settings, params string[] collectors)
    {
        var services = new ServiceCollection().AddLogging().AddExporter(Load(connectionString, settings));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var executor = provider.GetRequiredService<PollExecutor>();
        var registered = provider.GetServices<IMetricCollector>().ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var name in collectors)
        {
            var collector = registered.GetValueOrDefault(name)
                ?? throw new ArgumentException($"no collector {name}; registered: {string.Join(", ", registered.Keys)}", nameof(collectors));
            var outcome = await executor.PollAsync(collector, CancellationToken.None);
            // A failed poll never makes the host ready, so a test of the host would time out here instead.
            if (outcome is not (PollOutcome.Succeeded or PollOutcome.Disabled))
            {
                var status = provider.GetRequiredService<CollectorStatusBoard>().All.Single(s => s.Collector == name);
                throw new Xunit.Sdk.XunitException($"poll of {name}: {outcome}: {status.LastError}");
            }
        }

        using var exposition = new MemoryStream();
        await provider.GetRequiredService<MetricPublisher>().ExportAsTextAsync(exposition, CancellationToken.None);
        return Exposition.Parse(Encoding.UTF8.GetString(exposition.ToArray()));
    }

    private static ExporterSettings Load(string connectionString, IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:ConnectionString"] = connectionString })
            .AddInMemoryCollection(settings)
            .Build();
        var loaded = ExporterConfiguration.Load(configuration);
        return loaded.Errors.Count == 0
            ? loaded
            : throw new InvalidOperationException("invalid test configuration: " + string.Join("; ", loaded.Errors));
    }
}
