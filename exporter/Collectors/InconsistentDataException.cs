namespace SaasExporter.Collectors;

/// <summary>
/// The data contradicts itself (an identity that must hold exactly does not): the poll publishes nothing and fails,
/// so inconsistent numbers never reach a dashboard.
/// </summary>
public sealed class InconsistentDataException(string identity, string message) : Exception(message)
{
    public string Identity { get; } = identity;
}
