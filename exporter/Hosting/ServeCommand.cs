namespace SaasExporter.Hosting;

internal static class ServeCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var configuration = ExporterConfiguration.Build(arguments);
        var errors = ExporterConfiguration.Validate(configuration);
        if (errors.Count > 0)
        {
            return Help.ConfigurationErrors(errors);
        }

        await using var app = ExporterWebApp.Build(configuration);
        await app.RunAsync();
        return ExitCodes.Ok;
    }
}
