using SaasExporter.Configuration;

namespace SaasExporter.Collectors;

/// <summary>
/// What is known of a collector before it is built: its configuration name and its default schedule. Heavy
/// collectors poll less often by default, because their numbers move slowly and their queries cost the product
/// database the most.
/// </summary>
public interface ICollectorDefinition
{
    static abstract string CollectorName { get; }

    static abstract CollectorSchedule DefaultSchedule { get; }
}
