namespace SaasExporter.Web;

/// <summary>The result of reading a web config file: the settings, or every problem found in it.</summary>
public sealed record WebConfigLoad(WebConfig? Config, IReadOnlyList<string> Errors);
