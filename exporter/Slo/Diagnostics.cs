namespace SaasExporter.Slo;

/// <summary>Errors and warnings of one compilation, one line each: <c>file: kind/name: field: message</c>.</summary>
public sealed class Diagnostics
{
    private readonly List<string> errors = [];
    private readonly List<string> warnings = [];

    public IReadOnlyList<string> Errors => errors;

    public IReadOnlyList<string> Warnings => warnings;

    public void Error(string file, string subject, string field, string message) =>
        errors.Add($"{file}: {subject}: {field}: {message}");

    public void Warning(string file, string subject, string field, string message) =>
        warnings.Add($"{file}: {subject}: {field}: {message}");
}
