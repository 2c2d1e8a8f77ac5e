using Microsoft.Extensions.Options;
using Npgsql;
using SaasExporter.Configuration;
using SaasExporter.Database;
using SaasExporter.Logging;
using SaasExporter.Polling;

namespace SaasExporter.Hosting;

/// <summary>
/// At start, logs one warning when the exporter's database role can do more than read the contract relations
/// (<see cref="ContractChecker.CheckPrivilegesAsync"/>), as <c>check</c> prints it; the polls run either way.
/// </summary>
internal sealed class PrivilegeAudit(IQueryRunner runner, IOptions<ExporterOptions> options, ILoggerFactory loggers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggers.CreateLogger("SaasExporter.Database");
        var relations = DatabaseContract.Relations.Select(r => r.Name).ToList();
        try
        {
            var warning = await runner.RunAsync(TimeSpan.FromSeconds(30),
                (db, ct) => ContractChecker.CheckPrivilegesAsync(db, options.Value.Database.Schema, relations, ct), stoppingToken);
            if (warning is not null)
            {
                Log.PrivilegedRole(logger, warning);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
        {
            // The database is not there yet: the polls report that; the privileges are checked again at the next start.
            Log.PrivilegeCheckFailed(logger, FailureText.Of(e));
        }
    }
}
