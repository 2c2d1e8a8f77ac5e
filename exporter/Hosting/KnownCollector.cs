using SaasExporter.Configuration;

namespace SaasExporter.Hosting;

/// <summary>A collector known before any collector is built: configuration binding and validation need the list.</summary>
public sealed record KnownCollector(string Name, CollectorSchedule DefaultSchedule);
