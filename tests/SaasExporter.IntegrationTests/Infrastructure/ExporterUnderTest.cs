using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaasExporter.Hosting;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// The real serve host, in process, on a free loopback port: built by the same code as <c>saas-exporter serve</c>,
/// so what the tests read is what /metrics serves.
/// </summary>
public sealed class ExporterUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExporterUnderTest(WebApplication app, Uri address)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public static async Task<ExporterUnderTest> StartAsync(string connectionString, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Database:ConnectionString"] = connectionString,
            ["Listen"] = "127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var loaded = ExporterConfiguration.Load(configuration);
        if (loaded.Errors.Count > 0)
        {
            throw new InvalidOperationException("invalid test configuration: " + string.Join("; ", loaded.Errors));
        }

        var app = ExporterWebApp.Build(loaded);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ExporterUnderTest(app, new Uri(address));
    }

    /// <summary>Waits until /readyz says every enabled collector has polled successfully once.</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        string last = "";
        while (clock.Elapsed < limit)
        {
            using var response = await Client.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            last = await response.Content.ReadAsStringAsync();
            await Task.Delay(100);
        }

        throw new TimeoutException($"exporter not ready: {last}; landing page: {await Client.GetStringAsync(new Uri("/", UriKind.Relative))}");
    }

    public async Task<Exposition> ScrapeAsync() =>
        Exposition.Parse(await Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

    /// <summary>Scrapes until the condition holds or the timeout passes; returns the last exposition.</summary>
    public async Task<Exposition> ScrapeUntilAsync(Func<Exposition, bool> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var exposition = await ScrapeAsync();
            if (condition(exposition) || clock.Elapsed > timeout)
            {
                return exposition;
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
