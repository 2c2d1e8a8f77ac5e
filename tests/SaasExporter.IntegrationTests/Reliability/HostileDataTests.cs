using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Reliability;

/// <summary>
/// Data that breaks the contract, in relations stripped of their constraints (as an operator's view can be): NULLs in
/// NOT NULL columns, future timestamps, duplicate rows, 10,000 distinct feature and platform values, a 1 MB text and
/// bytes that are not UTF-8 (a SQL_ASCII database stores them; a UTF8 one refuses them at insert). Every poll
/// succeeds, the published numbers are those of the clean rows, no label outside the allowlists appears, and a custom
/// collector reading the hostile text drops and counts what it cannot publish.
/// </summary>
public sealed class HostileDataTests(ITestOutputHelper output)
{
    private const string HostileLabels = """
        collectors:
          - name: raw_features
            sql: |
              SELECT feature AS k, count(*) AS v FROM events
              WHERE feature LIKE 'feature\_%' OR length(feature) > 1000
              GROUP BY feature ORDER BY length(feature) DESC, feature
            metrics:
              - name: hostile_feature_events
                help: Events per raw feature value (10,000 of them, and one of 1 MB), as a careless query would publish them.
                value: v
                labels: [k]
          - name: raw_platforms
            sql: SELECT platform AS k, count(*) AS v FROM events WHERE platform IS NOT NULL GROUP BY platform
            metrics:
              - name: hostile_platform_events
                help: Events per raw platform value, one of which is not UTF-8.
                value: v
                labels: [k]
        """;

    [Fact]
    public async Task HostileRows_NeverBreakAPollNeverAddSeriesAndNeverChangeTheCleanAnswers()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var db = await SmallProductDataset.CreateAsync(cluster, "hostile", encoding: "SQL_ASCII");
        var now = SmallProductDataset.Now;
        await db.Sql("""
            ALTER TABLE events ALTER COLUMN user_id DROP NOT NULL, ALTER COLUMN occurred_at DROP NOT NULL, ALTER COLUMN name DROP NOT NULL;
            ALTER TABLE users ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN is_internal DROP NOT NULL;
            ALTER TABLE accounts ALTER COLUMN is_internal DROP NOT NULL;
            """);
        var inWindow = Iso(now.AddHours(-2));
        await db.Sql($"""
            INSERT INTO events (user_id, occurred_at, name, feature, platform) VALUES
                (NULL, '{inWindow}', 'contact_viewed', 'contacts', 'web'),
                (1, NULL, 'contact_viewed', 'contacts', 'web'),
                (1, '{inWindow}', NULL, 'contacts', 'web'),
                (2, '{Iso(now.AddDays(1))}', 'contact_viewed', 'contacts', 'web'),
                (2, '{Iso(now.AddYears(100))}', 'contact_viewed', 'deals', 'mobile');
            INSERT INTO events (user_id, occurred_at, name, feature, platform)
                SELECT user_id, occurred_at, name, feature, platform FROM events WHERE user_id = 1 AND occurred_at = '{Iso(now.AddHours(-1))}';
            INSERT INTO events (user_id, occurred_at, name, feature, platform)
                SELECT 1, '{inWindow}', 'contact_viewed', 'feature_' || g, 'platform_' || g FROM generate_series(1, 10000) AS g;
            INSERT INTO events (user_id, occurred_at, name, feature, platform)
                VALUES (1, '{inWindow}', repeat('n', 1048576), repeat('f', 1048576), repeat('p', 1048576)),
                       (1, '{inWindow}', 'contact_viewed', E'caf\xe9', E'\xff\xfe web');
            INSERT INTO users (user_id, account_id, created_at, is_internal) VALUES (3, 1, NULL, NULL);
            INSERT INTO events (user_id, occurred_at, name) VALUES (3, '{inWindow}', 'contact_viewed');
            """);

        var directory = Directory.CreateTempSubdirectory("saas-hostile-").FullName;
        try
        {
            var file = Path.Combine(directory, "hostile.yml");
            await File.WriteAllTextAsync(file, HostileLabels);
            await using var exporter = await ExporterUnderTest.StartAsync(db.ConnectionString, new Dictionary<string, string?>
            {
                ["AsOf"] = Iso(now),
                ["CustomCollectorsFile"] = file,
            });
            // raw_platforms never gets ready: PostgreSQL itself refuses to send its non-UTF-8 value (see below).
            // Every enabled collector has finished a poll (collector_up appears at the end of the first one; polls take
            // turns, so the custom ones may come last), and only raw_platforms is down.
            var m = await exporter.ScrapeUntilAsync(
                x => x.Family("saas_exporter_collector_up").Count == x.Family("saas_exporter_collector_enabled").Count(c => c.Value == 1)
                    && x.Family("saas_exporter_collector_up").Count(c => c.Value == 1) == x.Family("saas_exporter_collector_up").Count - 1
                    && x.Get("saas_exporter_collector_up", ("collector", "raw_features")) == 1
                    && x.Get("saas_exporter_collector_up", ("collector", "raw_platforms")) == 0, TimeSpan.FromSeconds(120));
            var landing = await exporter.Client.GetStringAsync(new Uri("/", UriKind.Relative));
            var business = SmallProductDataset.BusinessSeries(m);
            var longest = m.Text.Split('\n').Max(l => l.Length);
            output.WriteLine(string.Join('\n', m.Family("saas_exporter_rows_rejected_total").Select(r => $"{r.Key} {r.Value}")));
            output.WriteLine($"series: {m.Series.Count}; business: {business.Count}; hostile_feature_events: {m.Family("hostile_feature_events").Count}; longest line: {longest}");

            // Built-in collectors: every poll succeeds and publishes the clean answers (NULL keys, NULL is_internal, future
            // and duplicate rows never make a user active), with only the configured feature and platform labels.
            foreach (var up in m.Family("saas_exporter_collector_up").Where(c => !c.Key.Contains("raw_platforms", StringComparison.Ordinal)))
            {
                Assert.True(up.Value == 1, $"{up.Key} is down: {landing}");
            }

            Assert.Equal(2, m.Value("saas_active_users", ("entity", "user"), ("window", "7d")));
            Assert.Equal(1, m.Value("saas_active_users", ("entity", "user"), ("window", "1d")));
            Assert.Equal(["api", "mobile", "web"],
                m.Family("saas_platform_active_users").Keys.Select(k => k.Split("platform=\"")[1].Split('"')[0]).Order(StringComparer.Ordinal));
            Assert.Equal(8, m.Family("saas_feature_active_users").Count);
            Assert.True(business.Count - m.Family("hostile_feature_events").Count < 1000);

            // A custom query that publishes raw text: the 1 MB value and everything past max_series are dropped and counted.
            Assert.Equal(500, m.Family("hostile_feature_events").Count);
            Assert.Equal(1, m.Value("saas_exporter_rows_rejected_total", ("relation", "hostile_feature_events"), ("reason", "label_too_long")));
            Assert.Equal(10_000 - 500, m.Value("saas_exporter_rows_rejected_total", ("relation", "hostile_feature_events"), ("reason", "max_series_exceeded")));
            Assert.True(longest < 4096, $"an exposition line of {longest} characters");

            // Bytes that are not UTF-8 never reach the exporter: the server fails that query, so only its collector is down.
            Assert.Contains("22021: character_not_in_repertoire", landing, StringComparison.Ordinal);
            Assert.Empty(m.Family("hostile_platform_events"));
            FaultTable.Row(output, "hostile rows: NULLs in NOT NULL columns, future timestamps, duplicates, 10k feature/platform values, 1 MB text",
                $"every built-in poll succeeded with the clean answers and only allowlisted labels; custom query over raw text: 500 series kept, 9,500 rows rejected (max_series_exceeded), the 1 MB label rejected (label_too_long); {m.Series.Count} series in all",
                null, null, "none", 0);
            FaultTable.Row(output, "bytes that are not UTF-8 in a label column (SQL_ASCII database)",
                "PostgreSQL refuses to send them (22021): only the custom collector selecting that column is down, the error on the landing page; built-ins never select free text",
                null, null, "none", 0);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
