using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// The rows Grafana draws from an instant query with <c>format: table</c>, in Grafana's order: one row per series in
/// the order Prometheus answered (Grafana does not re-sort), then the panel's transformations. Only the
/// transformations that decide an order are modelled (<c>sortBy</c>, <c>groupingToMatrix</c>, and the table panel's
/// own <c>sortBy</c> option); any other transformation is an error, so a new one cannot slip past the order tests.
/// </summary>
public sealed class GrafanaTable
{
    private GrafanaTable(List<string> fields, List<Dictionary<string, string>> rows)
    {
        Fields = fields;
        RowList = rows;
    }

    /// <summary>Field (column) names in order.</summary>
    public IReadOnlyList<string> Fields { get; }

    public int RowCount => RowList.Count;

    private List<Dictionary<string, string>> RowList { get; }

    /// <summary>The table of a Prometheus instant-query answer: Time, the label columns (sorted by name), Value.</summary>
    public static GrafanaTable FromPrometheus(JsonElement data)
    {
        var series = data.GetProperty("result").EnumerateArray().ToList();
        var labels = series.SelectMany(s => s.GetProperty("metric").EnumerateObject().Select(l => l.Name))
            .Where(n => n != "__name__").Distinct().Order(StringComparer.Ordinal).ToList();
        var rows = series.Select(s =>
        {
            var row = new Dictionary<string, string> { ["Time"] = s.GetProperty("value")[0].GetRawText(), ["Value"] = s.GetProperty("value")[1].GetString()! };
            foreach (var label in labels)
            {
                row[label] = s.GetProperty("metric").TryGetProperty(label, out var value) ? value.GetString()! : "";
            }

            return row;
        }).ToList();
        return new GrafanaTable(["Time", .. labels, "Value"], rows);
    }

    /// <summary>Applies the panel's transformations in order, then (for a table panel) its initial sort.</summary>
    public GrafanaTable Transform(JsonObject panel)
    {
        var table = this;
        foreach (var transformation in panel["transformations"]?.AsArray().Select(t => t!.AsObject()) ?? [])
        {
            var options = transformation["options"]!;
            table = (string)transformation["id"]! switch
            {
                // Grafana sorts by the first entry only, stably (Array.prototype.sort), strings by localeCompare.
                "sortBy" => table.SortBy((string)options["sort"]![0]!["field"]!, (bool?)options["sort"]![0]!["desc"] ?? false),
                "groupingToMatrix" => table.GroupingToMatrix((string)options["rowField"]!, (string)options["columnField"]!, (string)options["valueField"]!),
                var other => throw new NotSupportedException($"'{panel["title"]}': transformation {other} is not modelled; model it before testing the order"),
            };
        }

        if ((string?)panel["type"] == "table" && panel["options"]?["sortBy"] is JsonArray { Count: > 0 } sort)
        {
            table = table.SortBy((string)sort[0]!["displayName"]!, (bool?)sort[0]!["desc"] ?? false);
        }

        return table;
    }

    /// <summary>
    /// The bar titles of a bar gauge showing every row (<c>reduceOptions.values</c>): the row's string fields joined,
    /// as Grafana's getSmartDisplayNameForRow does.
    /// </summary>
    public IReadOnlyList<string> RowTitles(params string[] valueFields) =>
        [.. RowList.Select(r => string.Join(" ", Fields.Where(f => f != "Time" && !valueFields.Contains(f) && r[f].Length > 0).Select(f => r[f])))];

    public IReadOnlyList<string> Column(string field) => [.. RowList.Select(r => r[field])];

    private GrafanaTable SortBy(string field, bool descending)
    {
        if (!Fields.Contains(field))
        {
            throw new InvalidOperationException($"sortBy names '{field}', but the table has [{string.Join(", ", Fields)}]: Grafana would leave the rows unsorted");
        }

        var comparer = Comparer<Dictionary<string, string>>.Create((a, b) => string.Compare(a[field], b[field], StringComparison.InvariantCulture));
        var sorted = descending ? RowList.OrderByDescending(r => r, comparer) : RowList.OrderBy(r => r, comparer);
        return new GrafanaTable([.. Fields], [.. sorted]);
    }

    /// <summary>Rows and columns in order of first appearance, as Grafana's groupingToMatrix builds them.</summary>
    private GrafanaTable GroupingToMatrix(string rowField, string columnField, string valueField)
    {
        var rowKeys = RowList.Select(r => r[rowField]).Distinct().ToList();
        var columnKeys = RowList.Select(r => r[columnField]).Distinct().ToList();
        var first = $"{rowField}\\{columnField}";
        var rows = rowKeys.Select(key =>
        {
            var row = new Dictionary<string, string> { [first] = key };
            foreach (var column in columnKeys)
            {
                row[column] = RowList.FirstOrDefault(r => r[rowField] == key && r[columnField] == column)?[valueField] ?? "";
            }

            return row;
        }).ToList();
        return new GrafanaTable([first, .. columnKeys], rows);
    }
}
