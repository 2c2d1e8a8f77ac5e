using System.Globalization;
using Npgsql;
using SaasExporter.Hosting;

namespace SaasExporter.Demo;

/// <summary><c>demo seed</c> and <c>demo simulate</c>: the reference database for the demo stack and the tests.</summary>
internal static class DemoCommand
{
    public static async Task<int> SeedAsync(IReadOnlyList<string> arguments)
    {
        if (!DemoArguments.TryParse(arguments, ["scale", "seed", "as-of", "days", "replace", "if-empty"], out var demo, out var error))
        {
            return Help.Print(Console.Error, ExitCodes.Invalid, error);
        }

        var parameters = new DemoParameters(demo.Scale, demo.Seed, demo.AsOf ?? TruncateToMinute(TimeProvider.System.GetUtcNow()), demo.Days);
        return await WithDatabaseAsync(demo.Rest, async (dataSource, schema) =>
        {
            var interactive = !Console.IsErrorRedirected;
            var seeder = new DemoSeeder(dataSource, schema, Console.Error, interactive);
            var summary = await seeder.SeedAsync(parameters, demo.Replace, CancellationToken.None, demo.IfEmpty);
            if (summary is null)
            {
                await Console.Error.WriteLineAsync($"schema {schema} already holds data: nothing to seed (--if-empty)");
                return;
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"seeded schema {schema}: scale {parameters.Scale}, seed {parameters.Seed}, as-of {parameters.AsOf:O}, {parameters.Days} days: {summary.Rows} rows ({summary.Events} events) in {summary.Elapsed.TotalSeconds:F1} s"));
        });
    }

    public static async Task<int> SimulateAsync(IReadOnlyList<string> arguments)
    {
        if (!DemoArguments.TryParse(arguments, ["seed", "tick"], out var demo, out var error))
        {
            return Help.Print(Console.Error, ExitCodes.Invalid, error);
        }

        return await WithDatabaseAsync(demo.Rest, async (dataSource, _) =>
        {
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
            try
            {
                await new DemoSimulator(dataSource, TimeProvider.System, demo.Seed, Console.Out).RunAsync(demo.Tick, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped.
            }
        });
    }

    private static async Task<int> WithDatabaseAsync(IReadOnlyList<string> configArguments, Func<NpgsqlDataSource, string, Task> work)
    {
        var settings = ExporterConfiguration.Load(configArguments);
        if (settings.Errors.Count > 0)
        {
            return Help.ConfigurationErrors(settings.Errors);
        }

        var database = settings.Options.Database;
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            ApplicationName = "saas-exporter-demo",
            SearchPath = database.Schema,
            CommandTimeout = 0,
        };
        await using var dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            await work(dataSource, database.Schema);
            return ExitCodes.Ok;
        }
        catch (DemoException e)
        {
            await Console.Error.WriteLineAsync($"saas-exporter: demo: {e.Message}");
            return ExitCodes.Invalid;
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"saas-exporter: demo: database: {Polling.FailureText.Of(e)}");
            return ExitCodes.Failed;
        }
    }

    private static DateTimeOffset TruncateToMinute(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}
