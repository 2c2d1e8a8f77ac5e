using SaasExporter.Collectors;

namespace SaasExporter.Hosting;

/// <summary>A built-in collector: its descriptor, and how it is registered for the configured event metrics source.</summary>
/// <param name="Descriptor">What validation and the catalogue know of it without building it.</param>
/// <param name="Register">Adds the collector to the services; the flag is whether event metrics come from the activity index.</param>
internal sealed record BuiltInCollector(CollectorDescriptor Descriptor, Action<IServiceCollection, bool> Register);
