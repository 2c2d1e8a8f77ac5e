using System.Diagnostics;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using SaasExporter.Database;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Database;

/// <summary>
/// The role of exporter/Database/exporter-role.sql, created with psql exactly as the README says: the exporter works as
/// that role, and that role can neither write nor read anything beyond the contract relations.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class LeastPrivilegeTests(PostgresFixture postgres)
{
    private static readonly string RoleFile = Repository.PathOf("exporter", "Database", "exporter-role.sql");

    [Fact]
    public void RoleFile_GrantsExactlyTheContractRelations()
    {
        var list = RelationList().Match(File.ReadAllText(RoleFile));

        Assert.True(list.Success, "the relation list of exporter-role.sql was not found");
        var granted = QuotedName().Matches(list.Groups[1].Value).Select(m => m.Groups[1].Value).Order();
        Assert.Equal(DatabaseContract.Relations.Select(r => r.Name).Order(), granted);
    }

    [Fact]
    public async Task TheMinimalRole_RunsEveryCollector_AndCannotWriteOrReadOtherRelations()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "least_privilege");
        await db.Account(1);
        await db.User(10, 1, createdAt: Utc("2026-06-01T00:00:00Z"));
        await db.Event(10, Utc("2026-06-09T10:00:00Z"));
        await using (var owner = new NpgsqlConnection(db.ConnectionString))
        {
            await owner.ExecuteAsync("CREATE TABLE payroll (employee text, salary numeric); INSERT INTO payroll VALUES ('a', 1)");
        }

        var role = $"exporter_{Guid.NewGuid():N}"[..24];
        var password = Guid.NewGuid().ToString("N");
        var database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        await postgres.Cluster.PsqlAsync(database, "-v", $"role={role}", "-v", $"password={password}", "-f", RoleFile);
        var asRole = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = password }.ConnectionString;

        var check = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={asRole}"]);
        var once = await ExporterProcess.RunAsync(["once", $"--Database:ConnectionString={asRole}", $"--AsOf={Iso(Utc("2026-06-10T12:00:00Z"))}"]);

        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.DoesNotContain("warning", check.Stderr, StringComparison.Ordinal);
        Assert.True(once.ExitCode == 0, once.Stderr);
        var up = Exposition.Parse(once.Stdout).Family("saas_exporter_collector_up");
        Assert.Equal(11, up.Count);
        Assert.All(up, s => Assert.Equal(1, s.Value));
        Assert.Equal(1, Exposition.Parse(once.Stdout).Value("saas_active_users", ("entity", "user"), ("window", "7d")));

        await using var connection = new NpgsqlConnection(asRole);
        await connection.OpenAsync();
        // The role's sessions start read-only; even after turning that off, privileges alone refuse every write.
        Assert.Equal("25006", await SqlStateAsync(connection, "INSERT INTO events (user_id, occurred_at, name) VALUES (10, now(), 'x')"));
        await connection.ExecuteAsync("SET default_transaction_read_only = off");
        Assert.Equal("42501", await SqlStateAsync(connection, "INSERT INTO events (user_id, occurred_at, name) VALUES (10, now(), 'x')"));
        Assert.Equal("42501", await SqlStateAsync(connection, "UPDATE users SET is_internal = true"));
        Assert.Equal("42501", await SqlStateAsync(connection, "DELETE FROM accounts"));
        Assert.Equal("42501", await SqlStateAsync(connection, "TRUNCATE events"));
        Assert.Equal("42501", await SqlStateAsync(connection, "CREATE TABLE public.mine (x int)"));
        Assert.Equal("42501", await SqlStateAsync(connection, "SELECT * FROM payroll"));
        Assert.Equal("42501", await SqlStateAsync(connection, $"CREATE DATABASE {role}_db"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task Superuser_CheckAndServe_WarnInOneLineNamingTheRole()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "superuser_warning");
        const string Expected = "database role 'postgres' is a superuser, for whom READ ONLY is no sandbox (collector SQL can read server files, end sessions, write through dblink): connect as a least-privilege role (exporter/Database/exporter-role.sql, docs/security.md)";

        var check = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={db.ConnectionString}"]);
        await using (var serve = await ServingExporter.StartAsync([$"--Database:ConnectionString={db.ConnectionString}"]))
        {
            var clock = Stopwatch.StartNew();
            while (!serve.Output.Contains(Expected, StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }

            Assert.Contains(Expected, serve.Output, StringComparison.Ordinal);
        }

        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Equal($"saas-exporter: warning: {Expected}", Assert.Single(check.StderrLines));
    }

    [Fact]
    public async Task RelationTheRoleCannotRead_IsReportedAsAGrantToMake_NotAsMissing()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "ungranted");
        var role = $"exporter_{Guid.NewGuid():N}"[..24];
        var password = Guid.NewGuid().ToString("N");
        var database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        await postgres.Cluster.PsqlAsync(database, "-v", $"role={role}", "-v", $"password={password}", "-f", RoleFile);
        await using (var owner = new NpgsqlConnection(db.ConnectionString))
        {
            // A relation created or recreated after the role script ran has no grant for the role.
            await owner.ExecuteAsync($"REVOKE SELECT ON tickets FROM {role}");
        }

        var asRole = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = password }.ConnectionString;
        var check = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={asRole}"]);

        Assert.Equal(2, check.ExitCode);
        Assert.Equal(
            $"saas-exporter: contract: relation public.tickets: exists, but role '{role}' may not read it: GRANT SELECT ON public.tickets TO {role} (or run exporter/Database/exporter-role.sql again)",
            Assert.Single(check.StderrLines));
    }

    [Fact]
    public async Task OverGrantedRole_IsWarnedAbout_AndTheRoleFileRevokesWhatItShould()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "over_granted");
        var role = $"exporter_{Guid.NewGuid():N}"[..24];
        var password = Guid.NewGuid().ToString("N");
        var database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database!;
        await postgres.Cluster.PsqlAsync(database, "-v", $"role={role}", "-v", $"password={password}", "-f", RoleFile);
        await using (var owner = new NpgsqlConnection(db.ConnectionString))
        {
            await owner.ExecuteAsync($"GRANT INSERT ON events TO {role}; GRANT DELETE ON accounts TO {role}; GRANT pg_signal_backend, pg_read_server_files TO {role}");
        }

        var asRole = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = password }.ConnectionString;
        var before = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={asRole}"]);
        await postgres.Cluster.PsqlAsync(database, "-v", $"role={role}", "-v", $"password={password}", "-f", RoleFile);
        var after = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={asRole}"]);

        Assert.True(before.ExitCode == 0, before.Stderr);
        Assert.Equal(
            $"saas-exporter: warning: database role '{role}' can write public.accounts, public.events; is a member of pg_read_server_files, pg_signal_backend: connect as a least-privilege role (exporter/Database/exporter-role.sql, docs/security.md)",
            Assert.Single(before.StderrLines));
        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Empty(after.StderrLines);
    }

    [Fact]
    public void RoleFile_RevokesTheRolesCheckWarnsAbout()
    {
        var list = RevokedRoleList().Match(File.ReadAllText(RoleFile));

        Assert.True(list.Success, "the revoked role list of exporter-role.sql was not found");
        Assert.Equal(ContractChecker.DangerousRoles.Order(), QuotedName().Matches(list.Groups[1].Value).Select(m => m.Groups[1].Value).Order());
    }

    private static async Task<string?> SqlStateAsync(NpgsqlConnection connection, string sql)
    {
        try
        {
            await connection.ExecuteAsync(sql);
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }

    [GeneratedRegex(@"c\.relname IN \(([^)]*)\)")]
    private static partial Regex RelationList();

    [GeneratedRegex(@"g\.rolname IN \(([^)]*)\)")]
    private static partial Regex RevokedRoleList();

    [GeneratedRegex("'([a-z_]+)'")]
    private static partial Regex QuotedName();
}
