using System.Net;
using SaasExporter.Configuration;

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
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(4) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://{host}:{address.Port}/{(ready ? "readyz" : "healthz")}"));
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
