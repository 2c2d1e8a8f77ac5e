using System.Globalization;
using Microsoft.AspNetCore.Connections;
using SaasExporter.Configuration;

namespace SaasExporter.Hosting;

internal static class ServeCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var settings = ExporterConfiguration.Load(arguments);
        if (settings.Errors.Count > 0)
        {
            return Help.ConfigurationErrors(settings.Errors);
        }

        await using var app = ExporterWebApp.Build(settings);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            // Services that did start (the poller) stop before the process ends, so nothing outlives the failed start.
            await app.StopAsync();
            return Help.ConfigurationErrors([CannotListen(settings.Options.Listen, e)]);
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
