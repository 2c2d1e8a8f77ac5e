using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Slo;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Grafana;

/// <summary>
/// Every panel query, with every value of every template variable it uses, run by the real Prometheus that scraped the real
/// exporter over the seeded database and evaluated the repository's rules: it parses and executes, and it returns at
/// least one number unless listed below with the reason it may be empty.
/// </summary>
[Collection(MonitoringStackCollection.Name)]
public sealed partial class DashboardQueryTests(MonitoringStackFixture stack, ITestOutputHelper output)
{
    /// <summary>
    /// Metrics other issues are building; queries reading them may be empty on this branch. Remove an entry once its
    /// issue is merged: its panels then have to return data like every other.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> PendingMetrics = new Dictionary<string, string>
    {
    };

    /// <summary>Panels (dashboard uid, panel title) whose queries may correctly be empty on the seeded stack.</summary>
    public static readonly IReadOnlyDictionary<(string Dashboard, string Panel), string> LegitimatelyEmpty = new Dictionary<(string, string), string>
    {
        [("saas-slos", "Firing SLO alerts by tier")] = "no SLO burns its budget fast enough to alert within minutes of a healthy start",
        [("saas-exporter-health", "Firing exporter alerts")] =
            "empty whenever the exporter is healthy (on the seeded stack SaasExporterRowsRejected fires: the demo data breaks the contract on purpose)",
        [("saas-exporter-health", "Identity violations")] = "every identity holds on the seeded database, so the counter has no series",
        [("saas-revenue", "Net revenue retention (12 months)")] = "the seeded history is 180 days: nobody was a customer 365 days ago, so the guarded ratio is absent",
        [("saas-revenue", "Gross revenue retention (12 months)")] = "the seeded history is 180 days: nobody was a customer 365 days ago, so the guarded ratio is absent",
        [("saas-revenue", "NRR and GRR (12 months)")] = "the seeded history is 180 days: nobody was a customer 365 days ago, so the guarded ratios are absent",
    };

    public static TheoryData<string, string, string> Queries()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (path, dashboard) in DashboardFiles.All())
        {
            foreach (var panel in DashboardFiles.Panels(dashboard))
            {
                foreach (var target in DashboardFiles.Targets(panel))
                {
                    data.Add(path, (string)panel["title"]!, (string)target["refId"]!);
                }
            }
        }

        return data;
    }

    public static TheoryData<string, string> Variables()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, dashboard) in DashboardFiles.All())
        {
            foreach (var variable in DashboardFiles.Variables(dashboard).Where(v => (string?)v["type"] == "query"))
            {
                data.Add(path, (string)variable["name"]!);
            }
        }

        return data;
    }

    /// <summary>
    /// Variable values (dashboard uid, panel title, variable, value) for which a panel is correctly empty, with the reason.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string Dashboard, string Panel, string Variable, string Value), string> EmptyForValue =
        BudgetNotYetCounted();

    /// <summary>
    /// The period budget of an SLO counted in whole UTC-day slices has no value before the first day since Prometheus
    /// started has ended, and that of a business-days SLO none before its first counted evaluation (Tuesday to Friday
    /// UTC): the test's Prometheus is minutes old, on any weekday. Their panels reading the budget may be empty then;
    /// every other panel of those SLOs reads the 5-minute window, which always has a value.
    /// </summary>
    private static Dictionary<(string, string, string, string), string> BudgetNotYetCounted()
    {
        var compiled = SloGenerator.Generate(Repository.Root, Path.Combine("prometheus", "slos"), Path.Combine("prometheus", "rules", "slo"),
            Path.Combine("prometheus", "tests", "slo"), ExporterServedSeries.Value);
        var empty = new Dictionary<(string, string, string, string), string>();
        foreach (var (slo, _) in compiled.Slos.Where(s => s.Slo.TimeSliceWindow is not null || s.Slo.BusinessDays))
        {
            var reason = slo.TimeSliceWindow is not null
                ? "the budget counts whole UTC days; none has ended since the test's Prometheus started"
                : "the budget counts Tuesday to Friday UTC only; the test's Prometheus may have no such evaluation yet";
            empty[("saas-slos", "SLO overview", "slo", slo.Name)] = reason;
            empty[("saas-slos", "Error budget remaining", "slo", slo.Name)] = reason;
        }

        return empty;
    }

    /// <summary>
    /// Variable values (dashboard uid, variable, value) whose every panel is empty because of a defect another branch is
    /// fixing. Remove an entry once that fix is merged: its panels then have to return data like every other.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string Dashboard, string Variable, string Value), string> PendingValues =
        new Dictionary<(string, string, string), string>();

    /// <summary>A panel drawing more lines or bars than this with every variable at All is unreadable.</summary>
    public const int MaxSeriesPerQuery = 40;

    /// <summary>
    /// Runs the panel query with every value of every dashboard variable it uses (one variable at a time, the others
    /// at their defaults; query variables take every value Prometheus offers plus All), as Grafana would send it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Queries))]
    public async Task PanelQuery_ReturnsDataForEveryValueOfEveryVariableItUses(string path, string panelTitle, string refId)
    {
        var dashboard = DashboardFiles.Load(path);
        var uid = (string)dashboard["uid"]!;
        var panel = DashboardFiles.Panels(dashboard).Single(p => (string?)p["title"] == panelTitle);
        var target = DashboardFiles.Targets(panel).Single(t => (string?)t["refId"] == refId);
        var expr = (string)target["expr"]!;

        var assignments = new List<(string? Variable, string? Value)> { (null, null) };
        foreach (var name in DashboardFiles.VariablesUsed(expr, dashboard))
        {
            var values = await ValuesOfAsync(dashboard, name);
            Assert.True(values.Count > 0, $"variable ${name} offers no value");
            assignments.AddRange(values.Select(v => ((string?)name, (string?)v)));
        }

        var failures = new List<string>();
        foreach (var (variable, value) in assignments)
        {
            var selection = variable is null ? null : new Dictionary<string, string> { [variable] = value! };
            var query = DashboardFiles.Substitute(expr, dashboard, panel, selection);
            var allowed = MayBeEmpty(uid, panelTitle, query)
                ?? (variable is not null && EmptyForValue.TryGetValue((uid, panelTitle, variable, value!), out var reason) ? reason : null)
                ?? (variable is not null && PendingValues.TryGetValue((uid, variable, value!), out var pending) ? pending : null);
            var values = await stack.Prometheus.ValuesAsync(query);
            var hasData = values.Any(v => !double.IsNaN(v));

            // A scrape that timed out on this loaded machine marks every series stale until the next one (1 s later); a
            // panel refreshes, so ask again for a few seconds before calling the query empty.
            for (var retry = 0; !hasData && allowed is null && retry < 10; retry++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                values = await stack.Prometheus.ValuesAsync(query);
                hasData = values.Any(v => !double.IsNaN(v));
            }

            var label = variable is null ? "defaults" : $"${variable}={value}";
            output.WriteLine(hasData ? $"{label}: {values.Count} series: `{query}`" : $"{label}: empty ({allowed ?? "not allowed"}): `{query}`");
            if (!hasData && allowed is null)
            {
                failures.Add($"{label}: `{query}` returned no number ({values.Count} NaN samples)");
            }

            if ((string?)target["format"] != "table" && values.Count > MaxSeriesPerQuery)
            {
                failures.Add($"{label}: `{query}` draws {values.Count} series (at most {MaxSeriesPerQuery})");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryEmptyForValueEntry_NamesAPanelVariableAndValueTheDashboardOffers()
    {
        Assert.NotEmpty(EmptyForValue);
        foreach (var k in EmptyForValue.Keys)
        {
            var dashboard = DashboardFiles.All().Single(d => (string?)d.Dashboard["uid"] == k.Dashboard).Dashboard;
            var panel = DashboardFiles.Panels(dashboard).Single(p => (string?)p["title"] == k.Panel);
            Assert.Contains(k.Variable, DashboardFiles.Targets(panel).SelectMany(t => DashboardFiles.VariablesUsed((string)t["expr"]!, dashboard)));
            Assert.Contains(k.Value, await ValuesOfAsync(dashboard, k.Variable));
        }
    }

    /// <summary>What a user can pick: a custom variable's listed values, a query variable's values in Prometheus, and All.</summary>
    private async Task<IReadOnlyList<string>> ValuesOfAsync(System.Text.Json.Nodes.JsonObject dashboard, string name)
    {
        var variable = DashboardFiles.Variables(dashboard).Single(v => (string?)v["name"] == name);
        var all = (bool?)variable["includeAll"] == true ? new[] { "$__all" } : [];
        switch ((string?)variable["type"])
        {
            case "custom":
                return [.. ((string)variable["query"]!).Split(',').Select(v => v.Trim()).Where(v => v.Length > 0), .. all];
            case "query":
                var match = LabelValues().Match((string)variable["query"]!);
                var data = await stack.Prometheus.QueryAsync(DashboardFiles.Substitute($"group by ({match.Groups["label"].Value}) ({match.Groups["selector"].Value})", dashboard));
                return
                [
                    .. data.GetProperty("result").EnumerateArray().Select(s => s.GetProperty("metric").GetProperty(match.Groups["label"].Value).GetString()!).Order(StringComparer.Ordinal),
                    .. all,
                ];
            default:
                throw new NotSupportedException($"variable ${name} of type {variable["type"]}: list its values here");
        }
    }

    [Theory]
    [MemberData(nameof(Variables))]
    public async Task VariableQuery_FindsValues(string path, string name)
    {
        var dashboard = DashboardFiles.Load(path);
        var variable = DashboardFiles.Variables(dashboard).Single(v => (string?)v["name"] == name);
        var match = LabelValues().Match((string)variable["query"]!);
        var query = DashboardFiles.Substitute($"group by ({match.Groups["label"].Value}) ({match.Groups["selector"].Value})", dashboard);

        var values = await stack.Prometheus.ValuesAsync(query);

        Assert.True(values.Count > 0 || MayBeEmpty((string)dashboard["uid"]!, "", query) is not null, $"`{query}` found no values for ${name}");
    }

    [Fact]
    public void EveryEmptyListEntry_NamesAPanelOrAMetricTheDashboardsUse()
    {
        var all = DashboardFiles.All().ToList();
        var panels = all.SelectMany(d => DashboardFiles.Panels(d.Dashboard).Select(p => ((string)d.Dashboard["uid"]!, (string)p["title"]!))).ToHashSet();
        var exprs = string.Join("\n", all.SelectMany(d => DashboardFiles.Panels(d.Dashboard)).SelectMany(DashboardFiles.Targets).Select(t => (string)t["expr"]!));

        Assert.All(LegitimatelyEmpty.Keys, k => Assert.Contains(k, panels));
        Assert.All(PendingMetrics.Keys, m => Assert.Contains(m, exprs, StringComparison.Ordinal));
    }

    /// <summary>The reason a query may return nothing, or null when it must return data.</summary>
    private static string? MayBeEmpty(string dashboard, string panel, string query) =>
        LegitimatelyEmpty.TryGetValue((dashboard, panel), out var reason)
            ? reason
            : PendingMetrics.Where(m => query.Contains(m.Key, StringComparison.Ordinal)).Select(m => m.Value).FirstOrDefault();

    [GeneratedRegex(@"^label_values\((?<selector>.+), *(?<label>[a-z_]+)\)$")]
    private static partial Regex LabelValues();
}
