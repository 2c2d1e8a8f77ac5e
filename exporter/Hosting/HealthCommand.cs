using System.Net;
using SaasExporter.Configuration;
using SaasExporter.Web;

namespace SaasExporter.Hosting;

/// <summary>
/// <c>saas-exporter health [--ready]</c>: asks the server running in this container or host whether it is alive
/// (/healthz) or ready (/readyz), for container health checks in images without curl.
/// </summary>
internal static class HealthCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var ready = arguments.Contains("--ready");
        var configuration = ExporterConfiguration.Build(arguments.Where(a => a != "--ready"));
        var listen = configuration["Listen"] ?? new ExporterOptions().Listen;
        if (!ListenAddress.TryParse(listen, out var address))
        {
            await Console.Error.WriteLineAsync($"saas-exporter: config: Listen = '{listen}': expected host:port");
            return ExitCodes.Invalid;
        }

        // A wildcard listen address is reached on loopback.
        var host = address.Host is "0.0.0.0" or "[::]" or "*" or "+" ? "127.0.0.1" : address.Host;
        // Over TLS when the web config names a certificate. The probe asks its own server on this host and sends no
        // credentials (the probes need none), so the certificate's name is not checked: it rarely names 127.0.0.1.
        var web = configuration[nameof(ExporterOptions.WebConfigFile)] is { Length: > 0 } path ? WebConfigFile.Load(path).Config : null;
        var tls = web?.Tls is not null;
        using var handler = new HttpClientHandler();
        if (tls)
        {
            handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        }

        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(4) };
        try
        {
            using var response = await client.GetAsync(new Uri($"{(tls ? "https" : "http")}://{host}:{address.Port}/{(ready ? "readyz" : "healthz")}"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return ExitCodes.Ok;
            }

            await Console.Error.WriteLineAsync($"saas-exporter: health: {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync()).Trim()}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"saas-exporter: health: {e.Message}");
        }

        return ExitCodes.Failed;
    }
}
