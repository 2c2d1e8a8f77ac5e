using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Incremental;

namespace SaasExporter.Events;

/// <summary>
/// An event metric family as registered: its descriptor, its two sources (SQL over the raw events, or the activity
/// index), and how far back its index computation reads per-day, per-platform or per-feature activity, so the index
/// loader keeps enough. Each family's definition file declares one of these.
/// </summary>
internal sealed record EventFamily(
    CollectorDescriptor Descriptor,
    Func<ExporterOptions, IMetricCollector> Sql,
    Func<ExporterOptions, ActivityIndexStore, IMetricCollector> Index,
    Func<ExporterOptions, TimeSpan> IndexHistory)
{
    /// <summary>Every event family reads the qualifying events of counted users (<see cref="QualifyingEvents"/>).</summary>
    public static IReadOnlyList<string> Relations { get; } = ["events", "users", "accounts"];

    public string Name => Descriptor.Name;

    /// <summary>A family whose definition is built from the options, and whose two sources count what the definition maps to samples.</summary>
    public static EventFamily Create<TDefinition, TCounts>(
        CollectorDescriptor descriptor,
        Func<ExporterOptions, TDefinition> define,
        Func<TDefinition, IEventSource<TCounts>> sql,
        Func<TDefinition, ActivityIndexStore, IEventSource<TCounts>> index,
        Func<TDefinition, TimeSpan> indexHistory)
        where TDefinition : IEventDefinition<TCounts>
    {
        return new EventFamily(descriptor,
            options =>
            {
                var definition = define(options);
                return new EventCollector<TCounts>(descriptor, definition, sql(definition));
            },
            (options, store) =>
            {
                var definition = define(options);
                return new EventCollector<TCounts>(descriptor, definition, index(definition, store));
            },
            options => indexHistory(define(options)));
    }
}
