using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using SaasExporter.Database;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Database;

/// <summary>
/// <c>check --skeletons</c> on real databases that lack contract relations: the printed SQL, run unedited by psql as the
/// owner, creates views that satisfy the contract (check then passes, as the exporter's own role) and that every
/// collector can read.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ContractSkeletonTests(PostgresFixture postgres)
{
    private static readonly string RoleFile = Repository.PathOf("exporter", "Database", "exporter-role.sql");

    [Fact]
    public async Task Skeletons_ForAnEmptySchema_RunUnedited_SatisfyTheContractForTheExportersRole()
    {
        var connectionString = await postgres.CreateDatabaseAsync("skeletons_empty");
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await postgres.Cluster.PsqlAsync(database, "-c", "CREATE SCHEMA product_views");
        var role = $"exporter_{Guid.NewGuid():N}"[..24];
        var password = Guid.NewGuid().ToString("N");
        await postgres.Cluster.PsqlAsync(database, "-v", $"role={role}", "-v", $"password={password}", "-v", "schema=product_views", "-f", RoleFile);
        var asRole = new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = password }.ConnectionString;
        string[] settings = [$"--Database:ConnectionString={asRole}", "--Database:Schema=product_views"];

        var before = await ExporterProcess.RunAsync(["check", "--skeletons", .. settings]);
        var script = Path.Combine(Directory.CreateTempSubdirectory("saas-exporter-skeletons-").FullName, "views.sql");
        await File.WriteAllTextAsync(script, before.Stdout);
        await postgres.Cluster.PsqlAsync(database, "-v", "ON_ERROR_STOP=1", "-f", script);
        var after = await ExporterProcess.RunAsync(["check", .. settings]);
        var once = await ExporterProcess.RunAsync(["once", .. settings, $"--AsOf={Iso(Utc("2026-06-10T12:00:00Z"))}"]);

        Assert.Equal(2, before.ExitCode);
        Assert.Equal(DatabaseContract.Relations.Count, before.StderrLines.Length);
        Assert.Equal(
            DatabaseContract.Relations.Select(r => $"product_views.{r.Name}"),
            CreatedView().Matches(before.Stdout).Select(m => m.Groups[1].Value));
        Assert.Contains($"GRANT SELECT ON product_views.accounts TO {role};", before.Stdout, StringComparison.Ordinal);
        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Empty(after.StderrLines);
        Assert.StartsWith("ok: configuration valid; schema product_views satisfies the contract", after.Stdout, StringComparison.Ordinal);
        Assert.True(once.ExitCode == 0, once.Stderr);
        var up = Exposition.Parse(once.Stdout).Family("saas_exporter_collector_up");
        Assert.NotEmpty(up);
        Assert.All(up, s => Assert.Equal(1, s.Value));
        Assert.All(Exposition.Parse(once.Stdout).Family("saas_exporter_collector_enabled"), s => Assert.Equal(1, s.Value));
        await AssertViewsHaveTheContractsColumnsAsync(connectionString, "product_views");
    }

    [Fact]
    public async Task Skeletons_AreOnlyForTheRelationsCheckCannotFind_AndSayWhichAreOptional()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "skeletons_partial");
        await using (var owner = new NpgsqlConnection(db.ConnectionString))
        {
            await owner.ExecuteAsync("DROP TABLE tickets; DROP TABLE survey_responses");
        }

        var database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        var before = await ExporterProcess.RunAsync(["check", "--skeletons", $"--Database:ConnectionString={db.ConnectionString}"]);
        var script = Path.Combine(Directory.CreateTempSubdirectory("saas-exporter-skeletons-").FullName, "views.sql");
        await File.WriteAllTextAsync(script, before.Stdout);
        await postgres.Cluster.PsqlAsync(database, "-v", "ON_ERROR_STOP=1", "-f", script);
        var after = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={db.ConnectionString}"]);

        // Optional relations missing are notices, not failures: check passes and the summary leaves stdout to the SQL.
        Assert.True(before.ExitCode == 0, before.Stderr);
        Assert.Equal(["public.tickets", "public.survey_responses"], CreatedView().Matches(before.Stdout).Select(m => m.Groups[1].Value));
        Assert.Contains("-- tickets (optional: without it the collectors that read it are disabled)", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("    NULL::timestamptz AS resolved_at,  -- NULL allowed: timestamptz", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("    NULL::bigint AS ticket_id,  -- required, never NULL: bigint (or integer)", before.Stdout, StringComparison.Ordinal);
        Assert.Contains(before.StderrLines, l => l.StartsWith("ok: ", StringComparison.Ordinal));
        Assert.DoesNotContain("ok: ", before.Stdout, StringComparison.Ordinal);
        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.DoesNotContain("notice", after.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skeletons_WhenNothingIsMissing_PrintNoSql()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "skeletons_none");

        var check = await ExporterProcess.RunAsync(["check", "--skeletons", $"--Database:ConnectionString={db.ConnectionString}"]);

        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Equal("", check.Stdout);
    }

    /// <summary>The views made from the skeletons have the contract's columns in its order, with the placeholder types.</summary>
    private static async Task AssertViewsHaveTheContractsColumnsAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        foreach (var relation in DatabaseContract.Relations)
        {
            var columns = await connection.QueryAsync<(string Name, string Type)>(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = @schema AND table_name = @name ORDER BY ordinal_position",
                new { schema, name = relation.Name });
            Assert.Equal(relation.Columns.Select(c => c.Name), columns.Select(c => c.Name));
            Assert.All(relation.Columns.Zip(columns), pair => Assert.True(DatabaseContract.Accepts(pair.First.Kind, pair.Second.Type), $"{relation.Name}.{pair.First.Name}: {pair.Second.Type}"));
        }
    }

    [GeneratedRegex(@"^CREATE VIEW (.+) AS$", RegexOptions.Multiline)]
    private static partial Regex CreatedView();
}
