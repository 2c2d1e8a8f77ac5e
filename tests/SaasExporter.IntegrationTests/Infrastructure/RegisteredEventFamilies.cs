using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaasExporter.Events;
using SaasExporter.Hosting;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The event metric families exactly as the exporter registers them: the container is asked, so a family is here
/// (and compared by the differential tests) as soon as its registration line exists.
/// </summary>
internal static class RegisteredEventFamilies
{
    public static IReadOnlyList<EventFamily> All { get; } = Load();

    public static EventFamily Named(string name) => All.Single(f => f.Name == name);

    private static List<EventFamily> Load()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:ConnectionString"] = "Host=127.0.0.1" }).Build();
        var services = new ServiceCollection().AddExporter(ExporterConfiguration.Load(configuration));
        return [.. services.Where(d => d.ServiceType == typeof(EventFamily)).Select(d => (EventFamily)d.ImplementationInstance!)];
    }
}
