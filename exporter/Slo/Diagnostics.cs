using SaasExporter.Files;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.Slo;

/// <summary>
/// Errors and warnings of one compilation, one line each: <c>file:line:column: kind/name: field: message</c>. A problem
/// found after reading (a rule across fields, a reference) gives its field path only; its position is looked up in the
/// object's document (<see cref="Locate"/>). Problems of no object (a directory, an unreadable file) have no position.
/// </summary>
public sealed class Diagnostics
{
    private readonly List<string> errors = [];
    private readonly List<string> warnings = [];
    private readonly Dictionary<(string File, string Subject), YamlNode> documents = [];

    public IReadOnlyList<string> Errors => errors;

    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>Remembers the document of the object <paramref name="subject"/> (<c>kind/name</c>), the first one of that name.</summary>
    public void Locate(string file, string subject, YamlNode root) => documents.TryAdd((file, subject), root);

    public void Error(string file, string subject, string field, string message) =>
        errors.Add(Line(file, subject, field, message, Position(file, subject, field)));

    public void Error(string file, string subject, string field, string message, YamlNode at) =>
        errors.Add(Line(file, subject, field, message, at.Start));

    public void Error(string file, string subject, string field, string message, Mark? at) =>
        errors.Add(Line(file, subject, field, message, at));

    public void Warning(string file, string subject, string field, string message) =>
        warnings.Add(Line(file, subject, field, message, Position(file, subject, field)));

    private Mark? Position(string file, string subject, string field) =>
        documents.TryGetValue((file, subject), out var root) ? YamlKeyPath.Locate(root, field).Start : null;

    private static string Line(string file, string subject, string field, string message, Mark? at) =>
        YamlPosition.OneLine($"{(at is { } mark ? YamlPosition.Of(file, mark) : file)}: {subject}: {(field.Length == 0 ? "(document)" : field)}: {message}");
}
