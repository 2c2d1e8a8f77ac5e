using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SaasExporter.Catalogue;
using SaasExporter.IntegrationTests.Hosting;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Catalogue;

/// <summary>
/// Every selector the stack ships (rule files, OpenSLO SLI queries, dashboard panels for every value of every dashboard
/// variable) can match something the exporter serves with the compose configuration: a series of its catalogue, an
/// output of the shipped recording rules, or a series of Prometheus and Alertmanager themselves.
/// </summary>
public sealed partial class ShippedSelectorsTests
{
    private static readonly Lazy<ShippedSelectors> Shipped = new(() => new ShippedSelectors());

    [Fact]
    public void RuleFiles_EverySelector_CanMatch()
    {
        var (checkedCount, failures) = (0, new List<string>());
        foreach (var (file, rule, expr) in Shipped.Value.Rules)
        {
            checkedCount += Shipped.Value.Check(expr, $"{file}: rule {rule}", failures, transitive: false);
        }

        Assert.True(checkedCount > 200, $"only {checkedCount} selectors found in the rule files");
        Assert.True(failures.Count == 0, $"{failures.Count} rule selectors can never match:\n{string.Join('\n', failures)}");
    }

    [Fact]
    public void OpenSloFiles_EverySliQuery_CanMatch()
    {
        var (checkedCount, failures) = (0, new List<string>());
        foreach (var file in Directory.GetFiles(Repository.PathOf("prometheus", "slos"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(File.ReadAllText(file)));
            foreach (var document in yaml.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>())
            {
                var slo = ((YamlScalarNode)((YamlMappingNode)document["metadata"])["name"]).Value;
                foreach (var query in Queries(document))
                {
                    checkedCount += Shipped.Value.Check(query, $"{Relative(file)}: SLO {slo}", failures);
                }
            }
        }

        Assert.True(checkedCount >= 24, $"only {checkedCount} SLI selectors found in prometheus/slos");
        Assert.True(failures.Count == 0, $"{failures.Count} SLI selectors can never match:\n{string.Join('\n', failures)}");
    }

    [Fact]
    public void Dashboards_EveryPanelQueryForEveryVariableValue_CanMatch()
    {
        var (checkedCount, failures) = (0, new List<string>());
        foreach (var file in Directory.GetFiles(Repository.PathOf("grafana", "dashboards"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var dashboard = JsonDocument.Parse(File.ReadAllText(file));
            var variables = Variables(dashboard.RootElement);
            foreach (var (panel, expr) in PanelQueries(dashboard.RootElement))
            {
                foreach (var (substituted, assignment) in Substitutions(expr, variables, Shipped.Value))
                {
                    checkedCount += Shipped.Value.Check(substituted, $"{Relative(file)}: panel '{panel}'{assignment}", failures);
                }
            }
        }

        Assert.True(checkedCount > 100, $"only {checkedCount} selectors found in the dashboards");
        Assert.True(failures.Count == 0, $"{failures.Count} panel selectors can never match:\n{string.Join('\n', failures.Distinct())}");
    }

    [Fact]
    public void Check_ASelectorTheExporterNeverServes_IsReportedWithFileAndSelector()
    {
        var failures = new List<string>();
        Shipped.Value.Check("sum(saas_active_users{window=\"90d\"}) / saas:arr{plan=\"x\"} + up", "probe.yml: rule r", failures);

        Assert.Equal(
            ["probe.yml: rule r: saas_active_users{window=\"90d\"}: window=\"90d\" matches nothing: saas_active_users serves window = 1d, 7d, 30d (configuration: ActiveWindows)"],
            failures);
    }

    /// <summary>Every string under a `query` key, wherever it sits in an OpenSLO document.</summary>
    private static IEnumerable<string> Queries(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(c => c.Key is YamlScalarNode { Value: "query" } && c.Value is YamlScalarNode { Value: { } q }
            ? [q]
            : Queries(c.Value)),
        YamlSequenceNode sequence => sequence.Children.SelectMany(Queries),
        _ => [],
    };

    private static IEnumerable<(string Panel, string Expr)> PanelQueries(JsonElement container)
    {
        if (!container.TryGetProperty("panels", out var panels))
        {
            yield break;
        }

        foreach (var panel in panels.EnumerateArray())
        {
            var title = panel.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            if (panel.TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateArray())
                {
                    if (target.TryGetProperty("expr", out var expr) && expr.GetString() is { Length: > 0 } text)
                    {
                        yield return (title, text);
                    }
                }
            }

            foreach (var nested in PanelQueries(panel))
            {
                yield return nested;
            }
        }
    }

    /// <summary>A dashboard variable: its options, or the label_values() query that lists them, and whether it offers All.</summary>
    private sealed record Variable(string Name, string Type, string Query, bool IncludeAll, string? AllValue);

    private static List<Variable> Variables(JsonElement dashboard)
    {
        if (!dashboard.TryGetProperty("templating", out var templating))
        {
            return [];
        }

        return [.. templating.GetProperty("list").EnumerateArray().Select(v => new Variable(
            v.GetProperty("name").GetString()!,
            v.GetProperty("type").GetString()!,
            v.TryGetProperty("query", out var q)
                ? (q.ValueKind == JsonValueKind.String ? q.GetString() : q.TryGetProperty("query", out var inner) ? inner.GetString() : null) ?? ""
                : "",
            v.TryGetProperty("includeAll", out var all) && all.GetBoolean(),
            v.TryGetProperty("allValue", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null))
            .Where(v => v.Type is not "datasource")];
    }

    /// <summary>
    /// The expression with each combination of the values of the variables it uses (and of the variables their queries
    /// use, in dashboard order, so a chained variable takes only the values its parent's value allows), with that
    /// assignment as text.
    /// </summary>
    private static IEnumerable<(string Expr, string Assignment)> Substitutions(string expr, List<Variable> variables, ShippedSelectors shipped)
    {
        expr = GrafanaBuiltIn().Replace(expr, m => m.Groups["name"].Value switch
        {
            "__interval_ms" or "__range_ms" => "300000",
            "__range_s" => "300",
            _ => "5m",
        });
        var needed = new HashSet<string>(References(expr), StringComparer.Ordinal);
        foreach (var variable in Enumerable.Reverse(variables))
        {
            if (needed.Contains(variable.Name))
            {
                needed.UnionWith(References(variable.Query));
            }
        }

        IEnumerable<Dictionary<string, string>> assignments = [new Dictionary<string, string>(StringComparer.Ordinal)];
        foreach (var variable in variables.Where(v => needed.Contains(v.Name)))
        {
            assignments = assignments.SelectMany(a => shipped.Values(variable.Type, Substitute(variable.Query, a), variable.IncludeAll, variable.AllValue, $"variable {variable.Name}")
                .Select(v => new Dictionary<string, string>(a, StringComparer.Ordinal) { [variable.Name] = v })).ToList();
        }

        foreach (var assignment in assignments)
        {
            var shown = assignment.Where(a => References(expr).Contains(a.Key)).ToList();
            var text = shown.Count == 0 ? "" : $" with {string.Join(", ", shown.Select(a => $"${a.Key}={a.Value}"))}";
            yield return (Substitute(expr, assignment), text);
        }
    }

    private static HashSet<string> References(string text) =>
        [.. VariableReference().Matches(text).Select(m => m.Groups["name"].Value).Where(n => n.Length > 0)];

    private static string Substitute(string text, Dictionary<string, string> assignment) =>
        VariableReference().Replace(text, m => assignment.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Value);

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path);

    // $var, ${var}, ${var:format} and [[var]]; Grafana's own $__ variables are replaced first.
    [GeneratedRegex(@"\$\{(?<name>\w+)(?::\w+)?\}|\[\[(?<name>\w+)\]\]|\$(?<name>\w+)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\$\{?(?<name>__(?:rate_interval|interval_ms|interval|range_ms|range_s|range))\}?")]
    private static partial Regex GrafanaBuiltIn();

    /// <summary>The compose catalogue and the shipped rule files, and the checks against both.</summary>
    private sealed partial class ShippedSelectors
    {
        private readonly ExporterCatalogue _catalogue;
        private readonly SelectorChecker _checker;

        public ShippedSelectors()
        {
            var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Database:ConnectionString"] = "Host=127.0.0.1" };
            foreach (var argument in ShippedSettings.Compose())
            {
                var equals = argument.IndexOf('=', StringComparison.Ordinal);
                settings[argument[2..equals]] = argument[(equals + 1)..];
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var loaded = SaasExporter.Hosting.ExporterConfiguration.Load(configuration);
            var errors = loaded.Errors;
            Assert.True(errors.Count == 0, $"the compose configuration is invalid: {string.Join("; ", errors)}");
            _catalogue = ExporterCatalogue.For(loaded);
            _checker = SelectorChecker.Load(_catalogue, Directory.GetFiles(Repository.PathOf("prometheus", "rules"), "*.yml")
                .Concat(Directory.GetFiles(Repository.PathOf("prometheus", "rules", "slo"), "*.yml")).Order(StringComparer.Ordinal));
        }

        public IEnumerable<(string File, string Rule, string Expr)> Rules => _checker.Rules.Select(r => (Relative(r.File), r.Name, r.Expr));

        /// <summary>Checks every selector of <paramref name="expr"/>, adding one line per selector that can never match; returns how many it checked.</summary>
        /// <param name="expr">A PromQL expression.</param>
        /// <param name="where">File and rule, SLO or panel, for the failure lines.</param>
        /// <param name="failures">Receives one line per selector that can never match.</param>
        /// <param name="transitive">
        /// Whether a recorded series also fails when every rule recording it reads a selector that never matches (the SLO
        /// and panel checks); the rule check reports only the selectors that fail themselves, the root causes.
        /// </param>
        public int Check(string expr, string where, List<string> failures, bool transitive = true)
        {
            IReadOnlyList<(VectorSelector Selector, SelectorVerdict Verdict)> verdicts;
            try
            {
                verdicts = _checker.Check(expr, transitive);
            }
            catch (FormatException e)
            {
                failures.Add($"{where}: unreadable expression: {e.Message}");
                return 0;
            }

            failures.AddRange(verdicts.Where(v => !v.Verdict.CanMatch).Select(v => $"{where}: {v.Selector}: {v.Verdict.Reason}"));
            return verdicts.Count;
        }

        /// <summary>
        /// Every value a dashboard variable can take: custom options, the label values its label_values() query can
        /// return (from the catalogue or the rules' static labels; a placeholder when open), and All.
        /// </summary>
        public List<string> Values(string type, string query, bool includeAll, string? allValue, string where)
        {
            List<string> values = type switch
            {
                "custom" or "interval" => [.. query.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
                "constant" or "textbox" => [query],
                "query" => LabelValues(query, where),
                _ => throw new InvalidOperationException($"{where}: variables of type {type} are not supported by this test"),
            };
            if (includeAll && values.Count > 0)
            {
                values.Add(allValue ?? $"({string.Join('|', values.Select(Regex.Escape))})");
            }

            return values;
        }

        private List<string> LabelValues(string query, string where)
        {
            var match = LabelValuesQuery().Match(query);
            Assert.True(match.Success, $"{where}: unsupported variable query '{query}'");
            var selector = PromQlSelectors.Extract(match.Groups["selector"].Value).Single();
            var label = match.Groups["label"].Value;
            if (_checker.IsRecorded(selector.Metric))
            {
                var recorded = _checker.Rules.Where(r => r.Record == selector.Metric).Select(r => r.Labels)
                    .Where(v => selector.Matchers.All(m => v.TryGetValue(m.Label, out var value) ? m.Matches(value) : m.CanMatchSomeValue))
                    .Select(v => v.GetValueOrDefault(label)).ToList();
                return recorded.Any(v => v is null) ? ["open-value"] : [.. recorded.OfType<string>().Distinct(StringComparer.Ordinal)];
            }

            var family = _catalogue.Find(selector.Metric);
            Assert.True(family is not null, $"{where}: label_values of {selector.Metric}, which the exporter never serves");
            var values = family.Label(label);
            Assert.True(values is not null, $"{where}: label_values of {selector.Metric}, which has no label {label}");
            return values.Values is { } bounded ? [.. bounded] : ["open-value"];
        }

        [GeneratedRegex(@"^\s*label_values\(\s*(?<selector>.+?)\s*,\s*(?<label>\w+)\s*\)\s*$")]
        private static partial Regex LabelValuesQuery();
    }
}
