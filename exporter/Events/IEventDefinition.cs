using SaasExporter.Collectors;

namespace SaasExporter.Events;

/// <summary>What an event metric family is, whichever source computed its counts: its families and the one mapping of counts to samples.</summary>
internal interface IEventDefinition<in TCounts>
{
    string Name { get; }

    IReadOnlyList<MetricFamily> Families { get; }

    IReadOnlyList<Sample> Samples(TCounts counts);
}
