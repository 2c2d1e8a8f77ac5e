using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SaasExporter.Custom;
using SaasExporter.Hosting;
using SaasExporter.Web;
using Xunit.Abstractions;

namespace SaasExporter.UnitTests.Configuration;

/// <summary>
/// Seeded, bounded mutation fuzzing of the three parsers that read user files: the exporter configuration (JSON, as in
/// appsettings.json), the custom collector file and the web config file. Every mutant must be accepted or rejected with
/// non-empty one-line errors; no exception may escape and no case may take longer than <see cref="CaseLimit"/>.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output)
{
    private const int Mutants = 2000;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(5);

    private const string ValidConfiguration = """
        {
          "Database": { "ConnectionString": "Host=127.0.0.1;Password=hunter2", "Schema": "public", "MaxPoolSize": 4, "ConnectTimeout": "00:00:05" },
          "Listen": "127.0.0.1:9841",
          "ReportingTimeZone": "Europe/Berlin",
          "ActiveWindows": [ "1d", "7d", "30d" ],
          "ExcludedEvents": [ "notification_sent" ],
          "PowerUserMinDays": 20,
          "SessionGap": "00:30:00",
          "AccountHealth": { "UsageWeight": 40, "GreenMin": 70, "YellowMin": 40 },
          "Collectors": { "engagement": { "Interval": "00:01:00", "Timeout": "00:00:30", "Enabled": true } }
        }
        """;

    private const string ValidCollectors = """
        collectors:
          - name: crm_deals
            interval: 5m
            timeout: 60s
            windows: [7d, 30d]
            sql: SELECT stage, count(*) AS n, sum(amount) AS total FROM deals WHERE created_at > @window_start AND created_at <= @now GROUP BY stage
            metrics:
              - name: crm_deals_created
                help: Deals created.
                value: n
                labels: [stage]
                static_labels: {source: crm}
                max_series: 20
              - name: crm_deal_amount
                help: Amount.
                type: histogram
                value: total
                buckets: [10, 100, 1000]
        """;

    private const string ValidWebConfig = """
        basic_auth_users:
          prometheus: $2b$10$AFNQdk3NWbPd2GcXwkgg5O4Wz9uSO/GyTbc24/8nAS7rQFw4YT9Oy
          grafana: $2y$12$7Ajhn8/vNbNdj/1eu1jXG.DQZkM07mbOXXljXHhHjS/rWP9BTSxZ6
        """;

    private static readonly string[] Tokens =
        ["", " ", "\n", "\t", ":", "-", "[", "]", "{", "}", "\"", "'", ",", "0", "-1", "99999999999", "1e309", "null", "~", "true",
         "&a", "*a", "!!binary", "%", "@now", "@x", "\u00e9", "\0", "\ud83d\ude00", "name:", "  - ", "value: n", "\\u0000", "#", "|", ">"];

    [Fact]
    public async Task Mutants_AreAcceptedOrRejectedWithOneLineErrors_NeverThrowOrHang()
    {
        var random = new Random(20261122);
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        var outcomes = new Dictionary<string, (int Accepted, int Rejected)>();
        var targets = new (string Name, string Seed, Func<string, IReadOnlyList<string>?> Parse)[]
        {
            ("configuration", ValidConfiguration, ParseConfiguration),
            ("custom collectors", ValidCollectors, text => CustomCollectorFile.Parse("c.yml", text, new Dictionary<string, string>(), ["engagement"]).Errors),
            ("web config", ValidWebConfig, text => WebConfigFile.Parse("w.yml", text, "/nonexistent").Errors),
        };

        for (var i = 0; i < Mutants; i++)
        {
            var (name, seed, parse) = targets[i % targets.Length];
            var mutant = Mutate(seed, random);
            var started = clock.Elapsed;
            var task = Task.Run(() => parse(mutant));
            var finished = await Task.WhenAny(task, Task.Delay(CaseLimit));
            Assert.True(finished == task, $"{name} mutant {i} took longer than {CaseLimit}:\n{mutant}");
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, (clock.Elapsed - started).Ticks));
            var errors = await task;
            if (errors is null)
            {
                continue; // not JSON at all: the configuration layer's own error, outside the validator
            }

            foreach (var error in errors)
            {
                Assert.False(string.IsNullOrWhiteSpace(error), $"{name} mutant {i}: an empty error line");
                Assert.False(error.Contains('\n', StringComparison.Ordinal), $"{name} mutant {i}: a multi-line error: {error}");
                Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
            }

            var (accepted, rejected) = outcomes.GetValueOrDefault(name);
            outcomes[name] = errors.Count == 0 ? (accepted + 1, rejected) : (accepted, rejected + 1);
        }

        foreach (var (name, (accepted, rejected)) in outcomes)
        {
            output.WriteLine($"{name}: {accepted} mutants accepted, {rejected} rejected with one-line errors");
        }

        output.WriteLine($"{Mutants} mutants in {clock.Elapsed.TotalSeconds:F1} s; slowest case {slowest.TotalMilliseconds:F0} ms");
        Assert.All(targets, t => Assert.True(outcomes[t.Name].Rejected > 0, $"no {t.Name} mutant was rejected: the mutations do nothing"));
    }

    /// <summary>The validator's verdict on a JSON configuration; null when the text is not JSON at all.</summary>
    private static List<string>? ParseConfiguration(string json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        }
        catch (FormatException)
        {
            return null; // valid JSON the configuration layer refuses (duplicate keys, a top-level array): its own error
        }

        return [.. ExporterConfiguration.Load(configuration).Errors];
    }

    private static string Mutate(string text, Random random)
    {
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && text.Length > 0; m++)
        {
            var at = random.Next(text.Length);
            text = random.Next(6) switch
            {
                0 => text.Remove(at, Math.Min(random.Next(1, 12), text.Length - at)),
                1 => text.Insert(at, Tokens[random.Next(Tokens.Length)]),
                2 => text[..at] + Tokens[random.Next(Tokens.Length)] + text[Math.Min(text.Length, at + random.Next(1, 8))..],
                3 => SwapLines(text, random),
                4 => text.Insert(at, text.Substring(random.Next(text.Length / 2), Math.Min(40, text.Length / 2))),
                _ => text[..at] + (char)random.Next(32, 127) + text[(at + 1)..],
            };
        }

        return text;
    }

    private static string SwapLines(string text, Random random)
    {
        var lines = text.Split('\n');
        var (a, b) = (random.Next(lines.Length), random.Next(lines.Length));
        (lines[a], lines[b]) = (lines[b], lines[a]);
        return string.Join('\n', lines);
    }
}
