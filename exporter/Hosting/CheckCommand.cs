using Npgsql;
using SaasExporter.Collectors;
using SaasExporter.Custom;
using SaasExporter.Database;
using SaasExporter.Polling;

namespace SaasExporter.Hosting;

/// <summary>
/// Validates configuration and the database contract, printing one line per problem; with <c>--skeletons</c>, also
/// prints on stdout a CREATE VIEW skeleton for every contract relation the schema lacks (<see cref="ContractSkeleton"/>).
/// </summary>
internal static class CheckCommand
{
    public const string SkeletonsFlag = "--skeletons";

    private const string TimeZoneSql = "SELECT count(*) FROM pg_timezone_names WHERE name = @tz";

    private const string IdentifiersSql = "SELECT quote_ident(@schema) AS Schema, quote_ident(current_user) AS Role";

    private sealed record QuotedIdentifiers(string Schema, string Role);

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var skeletons = arguments.Contains(SkeletonsFlag);
        var settings = ExporterConfiguration.Load(arguments.Where(a => a != SkeletonsFlag));
        if (settings.Errors.Count > 0)
        {
            return Help.ConfigurationErrors(settings.Errors);
        }

        await using var services = StandaloneServices.Build(settings);
        var options = settings.Options;
        var runner = services.GetRequiredService<IQueryRunner>();

        var now = services.GetRequiredService<EvaluationClock>().Now;
        var custom = services.GetServices<IMetricCollector>().OfType<CustomSqlCollector>().ToList();
        IReadOnlyList<ContractChecker.Problem> problems;
        long knownZone;
        string? privileges;
        QuotedIdentifiers identifiers;
        List<string> queryProblems;
        try
        {
            var relations = DatabaseContract.Relations.Select(r => r.Name).ToList();
            (problems, knownZone, privileges, identifiers) = await runner.RunAsync(TimeSpan.FromSeconds(30), async (db, ct) =>
            (
                await ContractChecker.CheckAsync(db, options.Database.Schema, relations, ct),
                (await db.QueryAsync<long>(TimeZoneSql, new { tz = options.ReportingTimeZone }, ct)).Single(),
                await ContractChecker.CheckPrivilegesAsync(db, options.Database.Schema, relations, ct),
                (await db.QueryAsync<QuotedIdentifiers>(IdentifiersSql, new { schema = options.Database.Schema }, ct)).Single()
            ), CancellationToken.None);
            queryProblems = await CheckCustomQueriesAsync(runner, custom, now, CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"saas-exporter: database: {FailureText.Of(e)}");
            return ExitCodes.Failed;
        }

        if (privileges is not null)
        {
            await Console.Error.WriteLineAsync($"saas-exporter: warning: {privileges}");
        }

        var fatal = 0;
        foreach (var problem in problems)
        {
            var optional = problem.OptionalMissing;
            fatal += optional ? 0 : 1;
            await Console.Error.WriteLineAsync($"saas-exporter: {(optional ? "notice" : "contract")}: {problem}");
        }

        if (knownZone == 0)
        {
            fatal++;
            await Console.Error.WriteLineAsync($"saas-exporter: config: ReportingTimeZone = '{options.ReportingTimeZone}': unknown to PostgreSQL (pg_timezone_names)");
        }

        foreach (var problem in queryProblems)
        {
            fatal++;
            await Console.Error.WriteLineAsync($"saas-exporter: custom: {options.CustomCollectorsFile}: {problem}");
        }

        var missing = problems.Where(p => p.MissingRelation).Select(p => DatabaseContract.Get(p.Relation)).Distinct().ToList();
        if (skeletons && missing.Count > 0)
        {
            await Console.Out.WriteAsync(ContractSkeleton.Script(missing, identifiers.Schema, identifiers.Role));
        }

        if (fatal > 0)
        {
            return ExitCodes.Invalid;
        }

        // With --skeletons stdout is the SQL script alone, so that it can be redirected to a file.
        await (skeletons ? Console.Error : Console.Out).WriteLineAsync($"ok: configuration valid; schema {options.Database.Schema} satisfies the contract"
            + (custom.Count > 0 ? $"; {custom.Count} custom collector queries parse and have their columns" : ""));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Has PostgreSQL parse and plan each custom query (nothing runs) in its own read-only transaction, so one bad
    /// query does not hide the next: a syntax error, an unknown table or column, or a missing value or label column is
    /// one line each.
    /// </summary>
    private static async Task<List<string>> CheckCustomQueriesAsync(IQueryRunner runner, List<CustomSqlCollector> collectors,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var collector in collectors)
        {
            try
            {
                await runner.RunAsync(TimeSpan.FromSeconds(30), async (db, ct) =>
                {
                    await collector.VerifyShapeAsync(db, collector.ParametersAt(now), ct);
                    return true;
                }, cancellationToken);
            }
            catch (PostgresException e)
            {
                problems.Add($"collector '{collector.Name}': sql: {e.SqlState}: {e.MessageText}{(e.Position > 0 ? $" (at character {e.Position})" : "")}");
            }
            catch (CustomQueryException e)
            {
                problems.Add(e.Message);
            }
        }

        return problems;
    }
}
