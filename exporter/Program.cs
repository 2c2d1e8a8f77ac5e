using SaasExporter.Backfill;
using SaasExporter.Demo;
using SaasExporter.Hosting;
using SaasExporter.Slo;

var command = CommandLine.Parse(args);
try
{
    return await RunAsync(command);
}
catch (InvalidConfigurationException e)
{
    return Help.ConfigurationErrors([e.Message]);
}
catch (Exception e)
{
    // Nothing unexpected at start (a port in use, an unreadable file) may end in a stack trace.
    return Help.Fatal(e);
}

static async Task<int> RunAsync(CommandLine command) => command.Command switch
{
    "serve" => await ServeCommand.RunAsync(command.Arguments),
    "once" => await OnceCommand.RunAsync(command.Arguments),
    "check" => await CheckCommand.RunAsync(command.Arguments),
    "catalogue" => await CatalogueCommand.RunAsync(command.Arguments),
    "backfill" => await BackfillCommand.RunAsync(command.Arguments, TimeProvider.System),
    "health" => await HealthCommand.RunAsync(command.Arguments),
    "demo seed" => await DemoCommand.SeedAsync(command.Arguments),
    "demo simulate" => await DemoCommand.SimulateAsync(command.Arguments),
    "slo generate" => SloCommand.Generate(command.Arguments),
    "slo replay" => await SloReplayCommand.RunAsync(command.Arguments, TimeProvider.System),
    "help" => Help.Show(command.Arguments),
    _ => Help.UnknownCommand(command.Command),
};
