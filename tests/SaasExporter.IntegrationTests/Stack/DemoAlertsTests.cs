using System.Text.RegularExpressions;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>
/// The demo's alerts tell a story (issue 20 item 7): the compose demo's database (scale 1, seed 42, 180 days) read by
/// the real exporter with the compose settings, every shipped rule file in a real Prometheus (<c>for:</c> compressed as
/// in <see cref="AlertStack"/>, and, as there, without the burn alerts of the exporter's own SLOs, whose hour-long windows
/// a minutes-old Prometheus fills with its first polls), and the set of alerts that fire must be exactly the one
/// docs/alerts.md lists under "The demo's alerts", each with its reason there.
/// </summary>
public sealed partial class DemoAlertsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SeededDemo_FiresExactlyTheAlertsTheDocsList()
    {
        _ = PrometheusServer.BinaryPath;
        _ = AlertmanagerServer.BinaryPath;
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("demo");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(1, 42, SeededDatabase.AsOf, 180));
        // Polls every 30 s: at scale 1 a round of polls takes seconds (retention about 8 s on a loaded machine).
        await using var stack = await AlertStack.StartAsync(connectionString, AlertStack.ComposeSettings(TimeSpan.FromSeconds(30)), AlertStack.ScenarioRules);

        // Past the longest compressed for: (30 minutes = 60 s), then until two reads 10 s apart agree.
        await Task.Delay(TimeSpan.FromSeconds(70));
        var firing = await FiringAsync(stack.Prometheus);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            var again = await FiringAsync(stack.Prometheus);
            if (again.SequenceEqual(firing))
            {
                break;
            }

            firing = again;
        }

        output.WriteLine($"{firing.Count} alerts fire on the seeded demo:");
        foreach (var line in firing)
        {
            output.WriteLine("  " + line);
        }

        Assert.Equal(DocumentedAlerts(), firing);
    }

    /// <summary>One line per firing alert: name, severity, and the SLO, collector or relation it is about; sorted.</summary>
    private static async Task<List<string>> FiringAsync(PrometheusServer prometheus)
    {
        var data = await prometheus.QueryAsync("ALERTS{alertstate=\"firing\"}");
        return [.. data.GetProperty("result").EnumerateArray()
            .Select(s => s.GetProperty("metric"))
            .Select(m => string.Join(' ', new[] { "alertname", "severity" }.Select(l => m.GetProperty(l).GetString())
                .Append(new[] { "slo", "collector", "relation" }.Select(l => m.TryGetProperty(l, out var v) ? v.GetString() : null).FirstOrDefault(v => v is not null) ?? "-")))
            .Distinct()
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The rows of the table under "## The demo's alerts" in docs/alerts.md: alert, severity, about.</summary>
    private static List<string> DocumentedAlerts()
    {
        var docs = File.ReadAllText(Repository.PathOf("docs", "alerts.md"));
        var start = docs.IndexOf("\n## The demo's alerts", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/alerts.md has no section \"The demo's alerts\"");
        var end = docs.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? docs[start..] : docs[start..end];
        return [.. Row().Matches(section).Select(m => $"{m.Groups["alert"].Value} {m.Groups["severity"].Value} {m.Groups["about"].Value}")
            .Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"^\| `(?<alert>\w+)` \| (?<severity>\w+) \| `?(?<about>[\w-]+)`? \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
