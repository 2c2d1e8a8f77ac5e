using Microsoft.Extensions.Options;
using Npgsql;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Polling;

namespace SaasExporter.Hosting;

/// <summary>Validates configuration and the database contract, printing one line per problem.</summary>
internal static class CheckCommand
{
    private const string TimeZoneSql = "SELECT count(*) FROM pg_timezone_names WHERE name = @tz";

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var configuration = ExporterConfiguration.Build(arguments);
        var errors = ExporterConfiguration.Validate(configuration);
        if (errors.Count > 0)
        {
            return Help.ConfigurationErrors(errors);
        }

        await using var services = StandaloneServices.Build(configuration);
        var options = services.GetRequiredService<IOptions<ExporterOptions>>().Value;
        var runner = services.GetRequiredService<IQueryRunner>();

        IReadOnlyList<ContractChecker.Problem> problems;
        long knownZone;
        try
        {
            (problems, knownZone) = await runner.RunAsync(TimeSpan.FromSeconds(30), async (db, ct) =>
            (
                await ContractChecker.CheckAsync(db, options.Database.Schema, DatabaseContract.Relations.Select(r => r.Name), ct),
                (await db.QueryAsync<long>(TimeZoneSql, new { tz = options.ReportingTimeZone }, ct)).Single()
            ), CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"saas-exporter: database: {FailureText.Of(e)}");
            return ExitCodes.Failed;
        }

        var fatal = 0;
        foreach (var problem in problems)
        {
            var optional = problem.MissingRelation && DatabaseContract.Get(problem.Relation).Optional;
            fatal += optional ? 0 : 1;
            await Console.Error.WriteLineAsync($"saas-exporter: {(optional ? "notice" : "contract")}: {problem}");
        }

        if (knownZone == 0)
        {
            fatal++;
            await Console.Error.WriteLineAsync($"saas-exporter: config: ReportingTimeZone = '{options.ReportingTimeZone}': unknown to PostgreSQL (pg_timezone_names)");
        }

        if (fatal > 0)
        {
            return ExitCodes.Invalid;
        }

        await Console.Out.WriteLineAsync($"ok: configuration valid; schema {options.Database.Schema} satisfies the contract");
        return ExitCodes.Ok;
    }
}
