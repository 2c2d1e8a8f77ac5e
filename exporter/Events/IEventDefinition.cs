using SaasExporter.Collectors;

namespace SaasExporter.Events;

/// <summary>What an event metric family is, whichever source computed its counts: the one mapping of counts to samples.</summary>
internal interface IEventDefinition<in TCounts>
{
    IReadOnlyList<Sample> Samples(TCounts counts);
}
