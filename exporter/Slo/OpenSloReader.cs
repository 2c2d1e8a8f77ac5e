using System.Globalization;

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

    private readonly Dictionary<(string Kind, string Name), OpenSloDocument> objects = [];
    private readonly Dictionary<string, SliDefinition?> slis = new(StringComparer.Ordinal);

    public void Add(IEnumerable<OpenSloDocument> documents)
    {
        foreach (var document in documents)
        {
            if (!objects.TryAdd((document.Kind, document.Name), document))
            {
                var first = objects[(document.Kind, document.Name)];
                diagnostics.Error(document.File, document.Subject, "metadata.name", $"duplicate {document.Kind} name (first defined in {first.File})");
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
        YamlFields.Of(document.Spec, document.SpecPath, (field, message) => diagnostics.Error(document.File, document.Subject, field, message));

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
