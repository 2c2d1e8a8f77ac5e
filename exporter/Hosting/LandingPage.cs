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
using SaasExporter.Slo;

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

    /// <summary>
    /// The page at <paramref name="now"/> (the wall clock: ages are real time even when AsOf pins the evaluation
    /// instant): the headline numbers as published, then one row per collector with how long ago it last succeeded.
    /// </summary>
    public static string Render(IReadOnlyList<CollectorStatus> statuses, ExporterOptions options, DateTimeOffset now,
        IReadOnlyList<HeadlineNumber> headlines, IndexLoadStatus? index = null)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>SaaS exporter</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
            td.number{text-align:right;font-size:1.4em;font-weight:bold}#headlines td:nth-child(-n+3){white-space:nowrap}
            .err,.stale,.failing{color:#b00}.warn{color:#a50}.fresh{color:#070}.loading,.disabled,.note{color:#666}</style>
            </head><body>
            <h1>SaaS exporter {{Encode(SelfMetrics.Version)}}</h1>
            <p><a href="metrics">/metrics</a> · <a href="healthz">/healthz</a> · <a href="readyz">/readyz</a></p>
            <p>Schema <code>{{Encode(options.Database.Schema)}}</code>, reporting time zone <code>{{Encode(options.ReportingTimeZone)}}</code>,
            evaluation time {{(options.AsOf is { } asOf ? $"pinned to <code>{Encode(Instant(asOf))}</code>" : "the wall clock")}}; page rendered at {{Encode(Instant(now))}}.</p>

            """);
        AppendHeadlines(html, headlines, now);
        AppendCollectors(html, statuses, options, now);
        AppendIndex(html, index);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void AppendHeadlines(StringBuilder html, IReadOnlyList<HeadlineNumber> headlines, DateTimeOffset now)
    {
        html.Append("<table id=\"headlines\"><tr><th>number</th><th>value</th><th>evaluated at</th><th>as served</th></tr>\n");
        foreach (var h in headlines)
        {
            var value = h.Value is { } v
                ? $"<td class=\"number\" data-value=\"{v.ToString("R", CultureInfo.InvariantCulture)}\">{Encode(Format(v, h.Format))}</td>"
                : $"<td class=\"note\">{Encode(h.Missing ?? "")}</td>";
            var evaluated = h.EvaluatedAt is { } at ? $"{Encode(Instant(at))} <span class=\"note\">({Encode(CollectorFreshness.Ago(at, now))})</span>" : "";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr id=\"{Encode(Id(h.Name))}\"><td>{Encode(h.Name)}</td>{value}<td>{evaluated}</td><td><code>{Encode(h.Definition)}</code>{(h.Collector is { } c ? $" ({Encode(c)})" : "")}</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void AppendCollectors(StringBuilder html, IReadOnlyList<CollectorStatus> statuses, ExporterOptions options, DateTimeOffset now)
    {
        html.Append("<table id=\"collectors\"><tr><th>collector</th><th>state</th><th>last success</th><th>interval</th><th>duration</th><th>last error or warning</th></tr>\n");
        foreach (var s in statuses)
        {
            var interval = options.For(s.Collector).Interval;
            var freshness = CollectorFreshness.Of(s, interval, now);
            var state = freshness switch
            {
                Freshness.Disabled => $"disabled ({s.DisabledReason ?? "by configuration"})",
                Freshness.Stale => $"stale (no success for over {Durations.Format(2 * interval)})",
                Freshness.Loading => "loading (first poll running)",
                Freshness.Failing => "failing (last good values still served)",
                _ => "fresh",
            };
            var success = s.LastSuccess is { } at ? $"<span title=\"{Encode(Instant(at))}\">{Encode(CollectorFreshness.Ago(at, now))}</span>" : "never";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{Encode(s.Collector)}</td><td class="{freshness.ToString().ToLowerInvariant()}">{Encode(state)}</td><td>{success}</td>
                <td>{Encode(Durations.Format(interval))}</td><td>{(s.LastDuration is { } d ? $"{d.TotalMilliseconds:F0} ms" : "")}</td>
                <td class="{(s.LastError is null ? "warn" : "err")}">{Encode(s.LastError is { } error ? WithoutServerMessage(error) : s.Warning ?? "")}</td></tr>

                """);
        }

        html.Append("</table>\n");
    }

    private static string Format(double value, HeadlineFormat format) => format switch
    {
        HeadlineFormat.Percent => value.ToString("P1", CultureInfo.InvariantCulture),
        HeadlineFormat.Money => value.ToString("N2", CultureInfo.InvariantCulture),
        _ => value.ToString("N0", CultureInfo.InvariantCulture),
    };

    private static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Id(string name) => name.ToLowerInvariant().Replace(' ', '-');

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
