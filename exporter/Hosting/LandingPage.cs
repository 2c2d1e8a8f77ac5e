using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using SaasExporter.Configuration;
using SaasExporter.Incremental;
using SaasExporter.Polling;
using SaasExporter.Publishing;

namespace SaasExporter.Hosting;

/// <summary>A node_exporter-style page: links to the endpoints and one row per collector.</summary>
internal static partial class LandingPage
{
    /// <summary>SQLSTATE to PostgreSQL's condition name (22P02 to invalid_text_representation), from Npgsql's table.</summary>
    private static readonly Dictionary<string, string> Conditions = typeof(PostgresErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .GroupBy(f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => CamelBoundary().Replace(g.First().Name, "_$1").ToLowerInvariant(), StringComparer.Ordinal);

    public static string Render(IReadOnlyList<CollectorStatus> statuses, ExporterOptions options, IndexLoadStatus? index = null)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>SaaS exporter</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.err{color:#b00}</style>
            </head><body>
            <h1>SaaS exporter {{Encode(SelfMetrics.Version)}}</h1>
            <ul><li><a href="metrics">/metrics</a></li><li><a href="healthz">/healthz</a></li><li><a href="readyz">/readyz</a></li></ul>
            <p>Schema <code>{{Encode(options.Database.Schema)}}</code>, reporting time zone <code>{{Encode(options.ReportingTimeZone)}}</code>,
            evaluation time {{(options.AsOf is { } asOf ? $"pinned to <code>{asOf:O}</code>" : "the wall clock")}}.</p>
            <table><tr><th>collector</th><th>enabled</th><th>last poll</th><th>duration</th><th>last success</th><th>last error or warning</th></tr>

            """);
        foreach (var s in statuses)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{Encode(s.Collector)}</td><td>{(s.Enabled ? "yes" : $"no ({Encode(s.DisabledReason ?? "")})")}</td>
                <td>{s.LastPoll:O}</td><td>{(s.LastDuration is { } d ? $"{d.TotalMilliseconds:F0} ms" : "")}</td><td>{s.LastSuccess:O}</td>
                <td class="err">{Encode(s.LastError is { } error ? WithoutServerMessage(error) : s.Warning ?? "")}</td></tr>

                """);
        }

        html.Append("</table>\n");
        AppendIndex(html, index);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>The activity index (EventMetrics:Source = incremental): serving, and how far a running load is.</summary>
    private static void AppendIndex(StringBuilder html, IndexLoadStatus? index)
    {
        if (index is null)
        {
            return;
        }

        var state = index.Serving ? $"serving {index.Users} users" : "not loaded yet";
        var load = index.Loading
            ? $"; {(index.Serving ? "rebuild" : "first load")} {index.Ratio * 100:F0}% done ({index.Completed} of {index.Chunks} chunks), " +
              (index.Remaining is { } left ? $"about {Math.Ceiling(left.TotalSeconds):F0} s left" : "estimate after the first chunk")
            : "";
        html.Append(CultureInfo.InvariantCulture, $"<p id=\"index\">Activity index: {state}{load}.</p>\n");
    }

    /// <summary>
    /// A PostgreSQL error as its SQLSTATE and condition name only: the server's message can quote the row value that
    /// failed (invalid input syntax for type integer: "someone@example.com"), and this page is served to anyone
    /// allowed to scrape. The log keeps the message.
    /// </summary>
    internal static string WithoutServerMessage(string error)
    {
        var match = SqlStatePrefix().Match(error);
        if (!match.Success)
        {
            return error;
        }

        var state = match.Groups["state"].Value;
        var condition = Conditions.TryGetValue(state, out var name) ? $" {name}" : "";
        return $"{error[..match.Index]}{state}:{condition} (PostgreSQL error; its message is in the exporter's log)";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    [GeneratedRegex("(?<=^|: )(?<state>[0-9A-Z]{5}): ", RegexOptions.CultureInvariant)]
    private static partial Regex SqlStatePrefix();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex CamelBoundary();
}
