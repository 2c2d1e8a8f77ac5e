namespace SaasExporter.Collectors;

/// <summary>A built-in collector, whose descriptor is known from its type alone.</summary>
public interface IDescribedCollector
{
    static abstract CollectorDescriptor Descriptor { get; }
}
