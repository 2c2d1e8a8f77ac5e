using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.IntegrationTests.Web;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>
/// Every configuration we ship or document starts: the compose exporter's settings and the local stack's (read from
/// those files), each README example, and their combinations run <c>check</c>, <c>once</c> and <c>serve</c> of the
/// real binary to a clean result (exit 0, nothing on stderr, every expected collector up, an exposition promtool
/// parses) over one small seeded demo.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ShippedConfigurationTests(PostgresFixture postgres, ShippedConfigurationTests.Files files)
    : IClassFixture<ShippedConfigurationTests.Files>
{
    private const string ScrapeUser = "prometheus";
    private const string ScrapePassword = "scrape-secret";
    private const string ViewSchema = "saas_metrics";
    private const string ViewRole = "saas_exporter_views";
    private const string ShippedRole = "saas_exporter_shipped";
    private const string ShippedRolePassword = "shipped-secret";

    private static readonly string[] BuiltInCollectors =
        ["account_health", "acquisition", "activation", "adoption", "engagement", "resurrection", "retention", "revenue", "sessions", "support", "surveys"];

    private static readonly string[] CrmCollectors = ["crm_activity", "crm_deals", "crm_sales_cycle"];

    /// <summary>The web config file (TLS with a throwaway certificate and one basic-auth user) the README documents.</summary>
    public sealed class Files : IDisposable
    {
        public Files()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("saas-exporter-shipped-").FullName;
            Certificate = ThrowawayCertificate.Create(Directory);
            WebConfig = Path.Combine(Directory, "web.yml");
            File.WriteAllText(WebConfig, $"""
                tls_server_config:
                  cert_file: cert.pem
                  key_file: key.pem
                basic_auth_users:
                  {ScrapeUser}: {BCrypt.Net.BCrypt.HashPassword(ScrapePassword, 10)}
                """);
        }

        public string Directory { get; }

        public ThrowawayCertificate Certificate { get; }

        public string WebConfig { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }

    public static TheoryData<string> Configurations => new()
    {
        "compose", "local-stack", "readme: minimal", "readme: engagement every 5 minutes", "readme: incremental",
        "readme: web config", "readme: reporting time zone", "readme: backfill AsOf", "readme: own schema of views, read-only role",
        "combined: incremental + compose custom collectors", "combined: compose + incremental + web config + Europe/Berlin",
    };

    /// <summary>The settings of a row, as --Key=Value pairs, without the connection string and listen address the test supplies.</summary>
    private List<string> Settings(string row) => row switch
    {
        "compose" => ShippedSettings.Compose(),
        "local-stack" => ShippedSettings.LocalStack(),
        "readme: minimal" => [],
        "readme: engagement every 5 minutes" => ["--Collectors:engagement:Interval=00:05:00"],
        "readme: incremental" => ["--EventMetrics:Source=incremental"],
        "readme: web config" => [$"--WebConfigFile={files.WebConfig}"],
        "readme: reporting time zone" => ["--ReportingTimeZone=Europe/Berlin"],
        "readme: backfill AsOf" => ["--AsOf=2026-10-01T00:00:00Z"],
        "readme: own schema of views, read-only role" => [$"--Database:Schema={ViewSchema}"],
        "combined: incremental + compose custom collectors" => [.. ShippedSettings.Compose(), "--EventMetrics:Source=incremental"],
        "combined: compose + incremental + web config + Europe/Berlin" =>
            [.. ShippedSettings.Compose(), "--EventMetrics:Source=incremental", $"--WebConfigFile={files.WebConfig}", "--ReportingTimeZone=Europe/Berlin"],
        _ => throw new ArgumentException($"unknown row {row}", nameof(row)),
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task CheckOnceAndServe_ShippedConfiguration_RunClean(string row)
    {
        var settings = Settings(row);
        var database = await ShippedDemo.DatabaseAsync(postgres);
        var schema = settings.Any(s => s == $"--Database:Schema={ViewSchema}") ? ViewSchema : "public";
        var connection = $"--Database:ConnectionString={(schema == ViewSchema ? await ViewsAsync(database) : await LeastPrivilegeAsync(database))}";
        var custom = settings.Any(s => s.StartsWith("--CustomCollectorsFile=", StringComparison.Ordinal));
        string[] expected = [.. BuiltInCollectors, .. custom ? CrmCollectors : []];

        var check = await ExporterProcess.RunAsync(["check", connection, .. settings]);
        Assert.True(check.ExitCode == 0 && check.Stderr.Length == 0, $"{row}: check exited {check.ExitCode}: {check.Stderr}{check.Stdout}");
        Assert.StartsWith($"ok: configuration valid; schema {schema} satisfies the contract", check.Stdout, StringComparison.Ordinal);
        Assert.Equal(custom, check.Stdout.Contains("3 custom collector queries parse", StringComparison.Ordinal));

        var once = await ExporterProcess.RunAsync(["once", connection, .. settings]);
        Assert.True(once.ExitCode == 0 && once.Stderr.Length == 0, $"{row}: once exited {once.ExitCode}: {once.Stderr}");
        AssertEveryCollectorUp(row, "once", Exposition.Parse(once.Stdout), expected);
        await Promtool.CheckMetricsAsync(once.Stdout);

        await using var server = await ServingExporter.StartAsync([connection, .. settings]);
        var web = settings.Any(s => s.StartsWith("--WebConfigFile=", StringComparison.Ordinal));
        using var client = web ? files.Certificate.TrustingClient() : new HttpClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        var address = new Uri($"{(web ? "https" : "http")}://127.0.0.1:{server.Port}");
        await WaitReadyAsync(client, address, server, row);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "/metrics"));
        if (web)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ScrapeUser}:{ScrapePassword}")));
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = await response.Content.ReadAsStringAsync();
        AssertEveryCollectorUp(row, "serve", Exposition.Parse(served), expected);
        await Promtool.CheckMetricsAsync(served);

        await server.TerminateAsync();
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        var noisy = server.Output.Split('\n').Where(l => Regex.IsMatch(l, @"^\s*(fail|crit|warn)|Exception|saas-exporter: ")).ToList();
        Assert.True(noisy.Count == 0, $"{row}: serve printed problems:\n{string.Join('\n', noisy)}");
        // Start-up is reported: each collector's first success, and one line once the exposition is complete.
        var firsts = Exposition.Parse(served).Series.Where(s => s.Key.StartsWith("saas_exporter_collector_first_success_seconds{", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), firsts.Select(s => CollectorLabel().Match(s.Key).Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.All(firsts, s => Assert.InRange(s.Value, 0, 120));
        Assert.Single(server.Output.Split('\n'), l => l.Contains("First complete exposition", StringComparison.Ordinal));
    }

    /// <summary>
    /// The role users are told to run the exporter as: exporter/Database/exporter-role.sql through psql, plus SELECT on
    /// the demo CRM's tables its custom collectors read (as compose grants them); returns that role's connection string.
    /// </summary>
    private async Task<string> LeastPrivilegeAsync(string database)
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(database).Database!;
        await postgres.Cluster.PsqlAsync(name, "-v", $"role={ShippedRole}", "-v", $"password={ShippedRolePassword}",
            "-f", Repository.PathOf("exporter", "Database", "exporter-role.sql"));
        await postgres.Cluster.PsqlAsync(name, "-c", $"GRANT SELECT ON deals, contacts TO {ShippedRole}");
        return new Npgsql.NpgsqlConnectionStringBuilder(database) { Username = ShippedRole, Password = ShippedRolePassword }.ConnectionString;
    }

    /// <summary>
    /// README "Point it at your own database": the contract relations as views in their own schema, read by a role that
    /// has only USAGE on that schema and SELECT on its views; returns that role's connection string.
    /// </summary>
    private static async Task<string> ViewsAsync(string database)
    {
        var relations = SaasExporter.Database.DatabaseContract.Relations.Select(r => r.Name).ToList();
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            var sql = $"""
                CREATE SCHEMA IF NOT EXISTS {ViewSchema};
                {string.Concat(relations.Select(r => $"CREATE OR REPLACE VIEW {ViewSchema}.{r} AS SELECT * FROM public.{r};\n"))}
                DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ViewRole}') THEN CREATE ROLE {ViewRole} LOGIN; END IF; END $$;
                GRANT USAGE ON SCHEMA {ViewSchema} TO {ViewRole};
                GRANT SELECT ON ALL TABLES IN SCHEMA {ViewSchema} TO {ViewRole};
                """;
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(database) { Username = ViewRole }.ConnectionString;
    }

    private static void AssertEveryCollectorUp(string row, string command, Exposition exposition, string[] expected)
    {
        var up = exposition.Series.Where(s => s.Key.StartsWith("saas_exporter_collector_up{", StringComparison.Ordinal))
            .ToDictionary(s => CollectorLabel().Match(s.Key).Groups[1].Value, s => s.Value);
        Assert.Equal(expected.Order(StringComparer.Ordinal), up.Keys.Order(StringComparer.Ordinal));
        var down = up.Where(u => u.Value != 1).Select(u => u.Key).ToList();
        Assert.True(down.Count == 0, $"{row}: {command}: collectors not up: {string.Join(", ", down)}");
    }

    private static async Task WaitReadyAsync(HttpClient client, Uri address, ServingExporter server, string row)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            Assert.False(server.HasExited, $"{row}: serve exited: {server.Output}");
            using var response = await client.GetAsync(new Uri(address, "/readyz"));
            last = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{row}: serve not ready within 120 s: {last}");
    }

    [GeneratedRegex("collector=\"([^\"]+)\"")]
    private static partial Regex CollectorLabel();
}
