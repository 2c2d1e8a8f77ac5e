using System.Text.Json;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Hosting;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Catalogue;

/// <summary>
/// The catalogue printed by <c>saas-exporter catalogue</c> against what <c>saas-exporter once</c> really serves over a
/// seeded demo with the same configuration: every served series is in the catalogue with exactly its labels and values
/// it allows, and every bounded value the catalogue promises is served.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class CatalogueCommandTests(PostgresFixture postgres)
{
    /// <summary>Series absent from a healthy poll by design: counters of faults that did not happen, and quantiles over no rows.</summary>
    private static readonly HashSet<string> AbsentWhenHealthy = new(StringComparer.Ordinal)
    {
        "saas_exporter_rows_rejected_total", "saas_exporter_identity_violations_total",
    };

    public static TheoryData<string> Configurations => new() { "compose", "compose + incremental", "custom windows and features" };

    private static List<string> Settings(string row) => row switch
    {
        "compose" => [.. ShippedSettings.Compose(), "--EventMetrics:Source=sql"],
        "compose + incremental" => [.. ShippedSettings.Compose(), "--EventMetrics:Source=incremental"],
        "custom windows and features" => ["--ActiveWindows:0=2d", "--ActiveWindows:1=90d", "--Features:0=deals", "--Features:1=reports",
            "--FeatureWindows:0=14d", "--Platforms:0=web", "--SessionWindow=30d", "--Collectors:surveys:Enabled=false"],
        _ => throw new ArgumentException($"unknown row {row}", nameof(row)),
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Catalogue_AgreesWithWhatOnceServes(string row)
    {
        var connection = $"--Database:ConnectionString={await ShippedDemo.DatabaseAsync(postgres)}";
        var settings = Settings(row);
        var printed = await ExporterProcess.RunAsync(["catalogue", connection, .. settings]);
        Assert.True(printed.ExitCode == 0 && printed.Stderr.Length == 0, $"catalogue exited {printed.ExitCode}: {printed.Stderr}");
        var catalogue = Parse(printed.Stdout);
        var whenPresent = WhenPresent(printed.Stdout);
        var once = await ExporterProcess.RunAsync(["once", connection, "--AsOf=2026-11-05T00:00:00Z", .. settings]);
        Assert.True(once.ExitCode == 0, $"once exited {once.ExitCode}: {once.Stderr}");

        var problems = new List<string>();
        var served = new Dictionary<(string Name, string Label), HashSet<string>>();
        foreach (var series in Exposition.Parse(once.Stdout).Series.Keys)
        {
            var name = series[..series.IndexOf('{', StringComparison.Ordinal)];
            var labels = LabelPair().Matches(series).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            if (!catalogue.TryGetValue(name, out var family))
            {
                problems.Add($"served but not in the catalogue: {series}");
                continue;
            }

            if (!labels.Keys.Order(StringComparer.Ordinal).SequenceEqual(family.Keys.Order(StringComparer.Ordinal)))
            {
                problems.Add($"{series}: labels differ from the catalogue's {string.Join(", ", family.Keys)}");
                continue;
            }

            foreach (var (label, value) in labels)
            {
                if (family[label] is { } allowed && !allowed.Contains(value))
                {
                    problems.Add($"{series}: {label}=\"{value}\" is not among the catalogue's {string.Join(", ", allowed)}");
                }

                (served.TryGetValue((name, label), out var seen) ? seen : served[(name, label)] = []).Add(value);
            }
        }

        foreach (var (name, labels) in catalogue.Where(c => !AbsentWhenHealthy.Contains(c.Key)))
        {
            if (!Exposition.Parse(once.Stdout).Series.Keys.Any(k => k.StartsWith(name + "{", StringComparison.Ordinal)))
            {
                problems.Add($"in the catalogue but never served: {name}");
                continue;
            }

            foreach (var (label, values) in labels.Where(l => l.Value is not null))
            {
                // An allow-list's catch-alls (other, unknown) are served only when the data holds such values.
                var promised = values!.Except(whenPresent.GetValueOrDefault((name, label)) ?? []);
                var missing = promised.Except(served.GetValueOrDefault((name, label)) ?? []).ToList();
                if (missing.Count > 0)
                {
                    problems.Add($"{name}: {label} = {string.Join(", ", missing)} promised by the catalogue, not served");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{row}: catalogue and exposition disagree:\n{string.Join('\n', problems)}");
    }

    /// <summary>The printed JSON as series name to label name to allowed values (null when open).</summary>
    private static Dictionary<string, Dictionary<string, string[]?>> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("families").EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("labels").EnumerateArray().ToDictionary(
                l => l.GetProperty("name").GetString()!,
                l => l.GetProperty("values").ValueKind == JsonValueKind.Null ? null : l.GetProperty("values").EnumerateArray().Select(v => v.GetString()!).ToArray(),
                StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary>Per (series, label), the values the printed JSON says are served only when the data holds them.</summary>
    private static Dictionary<(string Name, string Label), string[]> WhenPresent(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("families").EnumerateArray()
            .SelectMany(f => f.GetProperty("labels").EnumerateArray()
                .Where(l => l.TryGetProperty("when_present", out _))
                .Select(l => (Key: (f.GetProperty("name").GetString()!, l.GetProperty("name").GetString()!),
                    Values: l.GetProperty("when_present").EnumerateArray().Select(v => v.GetString()!).ToArray())))
            .ToDictionary(e => e.Key, e => e.Values);
    }

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();
}
