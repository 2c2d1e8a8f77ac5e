using System.Globalization;
using SaasExporter.Files;

namespace SaasExporter.Slo;

/// <summary>
/// Turns OpenSLO v1 objects into <see cref="SloDefinition"/>s: resolves indicatorRef, alertPolicyRef, conditionRef and
/// metricSourceRef, and applies the spec's rules (go-sdk validation) plus this compiler's own limits, one error each.
/// </summary>
public sealed partial class OpenSloReader(Diagnostics diagnostics)
{
    public const string MinEventsAnnotation = "saasexporter.io/min-events";
    public const string MinPopulationAnnotation = "saasexporter.io/min-population";
    public const string BusinessDaysAnnotation = "saasexporter.io/business-days";
    private const int DefaultMinimum = 10;

    /// <summary>Completes "'x' is not …" for every OpenSLO duration field.</summary>
    private const string DurationShorthand = "a duration shorthand (a positive integer and one of m h d w M Q Y)";

    private readonly Dictionary<(string Kind, string Name), OpenSloDocument> objects = [];
    private readonly Dictionary<string, SliDefinition?> slis = new(StringComparer.Ordinal);

    public void Add(IEnumerable<OpenSloDocument> documents)
    {
        foreach (var document in documents)
        {
            if (!objects.TryAdd((document.Kind, document.Name), document))
            {
                var first = objects[(document.Kind, document.Name)];
                diagnostics.Error(document.File, document.Subject, "metadata.name", $"duplicate {document.Kind} name (first defined in {first.File})",
                    YamlKeyPath.Locate(document.Root, "metadata.name"));
            }
        }
    }

    public List<SloDefinition> Read()
    {
        foreach (var other in objects.Values.Where(o => o.Kind is "Service" or "AlertNotificationTarget" or "DataSource"))
        {
            CheckPassive(other);
        }

        foreach (var sli in objects.Values.Where(o => o.Kind == "SLI").OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var fields = Fields(sli);
            slis[sli.Name] = fields is null ? null : ReadSli(fields);
        }

        var result = new List<SloDefinition>();
        foreach (var slo in objects.Values.Where(o => o.Kind == "SLO").OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var definition = ReadSlo(slo);
            if (definition is not null)
            {
                result.Add(definition);
            }
        }

        return result;
    }

    private YamlFields? Fields(OpenSloDocument document) =>
        YamlFields.Of(document.Spec, document.SpecPath, (at, field, message) => diagnostics.Error(document.File, document.Subject, field, message, at));

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
