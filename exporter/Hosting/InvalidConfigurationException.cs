namespace SaasExporter.Hosting;

/// <summary>
/// The configuration sources themselves cannot be read (a settings file that is not JSON, an unreadable argument):
/// reported as one configuration line and exit code 2 before anything starts.
/// </summary>
public sealed class InvalidConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
