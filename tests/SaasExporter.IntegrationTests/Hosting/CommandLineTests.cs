using Dapper;
using Npgsql;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>The saas-exporter binary run as a process: exit codes, stdout and one-line errors.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CommandLineTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Once_PrintsEveryMetricOfTheSeededDatabaseAndExitsZero()
    {
        var connectionString = await SeededDatabase.GetAsync(postgres);

        var result = await ExporterProcess.RunAsync(["once", $"--Database:ConnectionString={connectionString}", $"--AsOf={Iso(SeededDatabase.AsOf)}"]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var exposition = Exposition.Parse(result.Stdout);
        foreach (var family in new[]
        {
            "saas_active_users", "saas_active_days_users", "saas_power_users", "saas_platform_active_users", "saas_sessions_per_user",
            "saas_session_duration_seconds", "saas_signups", "saas_activation_cohort_users", "saas_activation_activated_users",
            "saas_onboarding_completed_users", "saas_time_to_first_value_seconds",
        })
        {
            Assert.NotEmpty(exposition.Family(family));
        }

        Assert.Equal(1, exposition.Value("saas_exporter_collector_up", ("collector", "engagement")));
        var series = result.Stdout.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#'));
        Assert.InRange(series, 100, 999); // the contract: fewer than 1,000 series with the default configuration
        Assert.Equal(1, exposition.Value("saas_exporter_database_up"));
        Assert.True(exposition.Value("saas_exporter_build_info", ("version", "0.1.0")) == 1);
        await Promtool.CheckMetricsAsync(result.Stdout);
    }

    [Fact]
    public async Task Once_IsReproducibleAtAPinnedInstant()
    {
        var connectionString = await SeededDatabase.GetAsync(postgres);
        string[] args = ["once", $"--Database:ConnectionString={connectionString}", "--AsOf=2026-10-20T08:00:00Z", "--Collectors:engagement:Enabled=false"];

        var first = await ExporterProcess.RunAsync(args);
        var second = await ExporterProcess.RunAsync(args);

        Assert.Equal(0, first.ExitCode);
        static string Business(string text) => string.Join('\n', text.Split('\n').Where(l => l.StartsWith("saas_", StringComparison.Ordinal) && !l.StartsWith("saas_exporter", StringComparison.Ordinal)).Order());
        Assert.NotEmpty(Business(first.Stdout));
        Assert.Equal(Business(first.Stdout), Business(second.Stdout));
        Assert.Equal(0, Exposition.Parse(first.Stdout).Value("saas_exporter_collector_enabled", ("collector", "engagement")));
    }

    // The matrix of bad command-line configurations is BadConfigurationTests.
    [Fact]
    public async Task BadConfiguration_FromTheEnvironment_IsReportedTheSameWay()
    {
        var result = await ExporterProcess.RunAsync(["once"], new Dictionary<string, string>
        {
            ["SAAS_EXPORTER_Database__ConnectionString"] = "Host=127.0.0.1;Password=hunter2",
            ["SAAS_EXPORTER_AsOf"] = "yesterday",
        });

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["saas-exporter: config: AsOf = 'yesterday': not a valid ISO-8601 instant (for example 2026-11-01T00:00:00Z)"], result.StderrLines);
    }

    /// <summary>A database with accounts and users (users.created_at of the given type) and no events relation.</summary>
    private async Task<string> DatabaseWithoutEventsAsync(string name, string usersCreatedAtType)
    {
        var connectionString = await postgres.CreateDatabaseAsync(name);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync($"""
            CREATE TABLE accounts (account_id bigint PRIMARY KEY, created_at timestamptz NOT NULL, is_internal boolean NOT NULL DEFAULT false);
            CREATE TABLE users (user_id bigint, account_id bigint, created_at {usersCreatedAtType}, activated_at timestamptz,
                                onboarding_completed_at timestamptz, is_internal boolean);
            """);
        return connectionString;
    }

    [Fact]
    public async Task Check_MissingRelation_PrintsOneLineNamingItAndExitsTwo()
    {
        var connectionString = await DatabaseWithoutEventsAsync("contract", usersCreatedAtType: "timestamp");

        var result = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={connectionString}"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("saas-exporter: contract: relation public.events: missing; create it or a view with that name", result.StderrLines);
        Assert.Contains("saas-exporter: contract: column public.users.created_at: type timestamp without time zone, expected timestamptz (timestamp without time zone is ambiguous: convert it in a view)", result.StderrLines);
        Assert.Contains(result.StderrLines, l => l.StartsWith("saas-exporter: notice: relation public.subscriptions: missing (optional", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Once_MissingRelation_FailsTheCollectorsThatNeedItAndExitsTwo()
    {
        var connectionString = await DatabaseWithoutEventsAsync("contract_once", usersCreatedAtType: "timestamptz");

        var result = await ExporterProcess.RunAsync(["once", $"--Database:ConnectionString={connectionString}"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("saas-exporter: collector engagement failed: relation public.events: missing; create it or a view with that name", result.StderrLines);
        var exposition = Exposition.Parse(result.Stdout);
        Assert.Equal(1, exposition.Value("saas_exporter_collector_up", ("collector", "activation")));
        Assert.Equal(0, exposition.Value("saas_exporter_collector_up", ("collector", "engagement")));
        Assert.Empty(exposition.Family("saas_active_users"));
    }

    [Fact]
    public async Task Check_ValidDatabase_ExitsZero()
    {
        var connectionString = await SeededDatabase.GetAsync(postgres);

        var result = await ExporterProcess.RunAsync(["check", $"--Database:ConnectionString={connectionString}", "--ReportingTimeZone=Europe/Berlin"]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("ok:", result.Stdout, StringComparison.Ordinal);
    }
}
