using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using SaasExporter.Configuration;

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
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            // Services that did start (the poller) stop before the process ends, so nothing outlives the failed start.
            await app.StopAsync();
            return Help.ConfigurationErrors([CannotListen(app.Services.GetRequiredService<IOptions<ExporterOptions>>().Value.Listen, e)]);
        }

        await app.WaitForShutdownAsync();
        return ExitCodes.Ok;
    }

    /// <summary>Kestrel's bind failure as one line naming the key, the address and, for the usual cause, the port.</summary>
    private static string CannotListen(string listen, IOException error)
    {
        var port = ListenAddress.TryParse(listen, out var address) ? address.Port.ToString(CultureInfo.InvariantCulture) : listen;
        return error.InnerException is AddressInUseException
            ? $"{nameof(ExporterOptions.Listen)} = '{listen}': port {port} is already in use by another process"
            : $"{nameof(ExporterOptions.Listen)} = '{listen}': cannot listen: {(error.InnerException ?? error).Message.ReplaceLineEndings(" ")}";
    }
}
