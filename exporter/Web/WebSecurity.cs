using Prometheus;
using SaasExporter.Configuration;

namespace SaasExporter.Web;

/// <summary>Applies the web config file (<see cref="ExporterOptions.WebConfigFile"/>) to the serve host: TLS and basic auth.</summary>
public static class WebSecurity
{
    /// <summary>Listens on the configured address, over TLS when the web config names a certificate.</summary>
    public static void Listen(this ConfigureWebHostBuilder webHost, string listen, WebConfig web)
    {
        var url = ListenAddress.TryParse(listen, out var address) ? address.Url : listen;
        if (web.Tls is not { } tls)
        {
            webHost.UseUrls(url);
            return;
        }

        webHost.UseKestrelHttpsConfiguration();
        webHost.UseUrls("https://" + url["http://".Length..]);
        // The certificate lives as long as the server; it is read once, at start (a renewed one needs a restart).
        webHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = tls.LoadCertificate()));
    }

    /// <summary>
    /// The password checker when the web config lists users: a singleton, so the container disposes its check slots
    /// at shutdown.
    /// </summary>
    public static IServiceCollection AddBasicAuthentication(this IServiceCollection services, WebConfig web)
    {
        if (web.Users.Count > 0)
        {
            services.AddSingleton(sp => new BasicAuthentication(web.Users, sp.GetRequiredService<CollectorRegistry>(), sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }

    /// <summary>Requires basic auth on every path but the probes when the web config lists users.</summary>
    public static void UseBasicAuthentication(this WebApplication app, WebConfig web)
    {
        if (web.Users.Count > 0)
        {
            app.Use(app.Services.GetRequiredService<BasicAuthentication>().InvokeAsync);
        }
    }
}
