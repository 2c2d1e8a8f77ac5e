using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Web;
using Xunit.Abstractions;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Web;

/// <summary>
/// Attacks on basic auth against the real serve process: a flood of wrong passwords must not starve the probes or a
/// scraper that knows the password, and must be refused with 429 once the password checks are at their limit.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuthenticationFloodTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const string User = "prometheus";
    private readonly string _password = "scrape-" + Guid.NewGuid().ToString("N");
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("saas-exporter-flood-");

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private async Task<ServingExporter> StartAsync(string prefix, int cost)
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, prefix);
        var webConfig = Path.Combine(_directory.FullName, $"{prefix}.yml");
        await File.WriteAllTextAsync(webConfig, $"basic_auth_users:\n  {User}: {BCrypt.Net.BCrypt.HashPassword(_password, cost)}\n");
        return await ServingExporter.StartAsync(
            [$"--Database:ConnectionString={db.ConnectionString}", $"--WebConfigFile={webConfig}", $"--AsOf={Iso(Utc("2026-06-10T12:00:00Z"))}"]);
    }

    private static async Task<(HttpStatusCode Status, TimeSpan Took)> TimedGetAsync(HttpClient client, string path, AuthenticationHeaderValue? credentials = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = credentials;
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        _ = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, clock.Elapsed);
    }

    [Fact]
    public async Task WrongPasswordFlood_ProbesAndTheRightScraperStayFast_AndTheFloodGets429()
    {
        await using var server = await StartAsync("flood", 10);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromSeconds(60) };
        var right = Basic(User, _password);
        Assert.Equal(HttpStatusCode.OK, (await TimedGetAsync(client, "/metrics", right)).Status);

        var flood = Wrk.RunAsync(new Uri($"http://127.0.0.1:{server.Port}/metrics"), threads: 2, connections: 256, TimeSpan.FromSeconds(12),
            [$"Authorization: {Basic(User, "wrong-password")}"]);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var probes = new List<TimeSpan>();
        var scrapes = new List<TimeSpan>();
        while (!flood.IsCompleted)
        {
            var probe = await TimedGetAsync(client, "/healthz");
            var scrape = await TimedGetAsync(client, "/metrics", right);
            Assert.Equal(HttpStatusCode.OK, probe.Status);
            Assert.Equal(HttpStatusCode.OK, scrape.Status);
            probes.Add(probe.Took);
            scrapes.Add(scrape.Took);
            await Task.Delay(250);
        }

        var load = await flood;
        var exposition = Exposition.Parse(await ScrapeAsync(client, right));
        var throttled = exposition.Value(BasicAuthentication.ThrottledMetric);
        var checkedWrong = exposition.Value(BasicAuthentication.UnauthorizedMetric, ("reason", "wrong"));
        output.WriteLine($"flood: {load.Requests} requests ({load.RequestsPerSecond:F0}/s), {load.Non2xx} refused: {throttled} with 429, {checkedWrong} checked by bcrypt and 401; {load.Latency}");
        output.WriteLine($"/healthz during the flood: {Describe(probes)}; remembered scrape: {Describe(scrapes)}");

        Assert.True(throttled > 0, "no 429 during the flood");
        Assert.NotEmpty(probes);
        // Generous bounds on a shared machine: without the limit /healthz took 4.7 s and the scrape 20 s.
        Assert.True(probes.Max() < TimeSpan.FromSeconds(3), $"/healthz took {Describe(probes)}");
        Assert.True(scrapes.Max() < TimeSpan.FromSeconds(3), $"the remembered scrape took {Describe(scrapes)}");
    }

    private static async Task<string> ScrapeAsync(HttpClient client, AuthenticationHeaderValue credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Authorization = credentials;
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Describe(List<TimeSpan> times) =>
        times.Count == 0 ? "no sample" : $"{times.Count} samples, median {times.Order().ElementAt(times.Count / 2).TotalMilliseconds:F0} ms, max {times.Max().TotalMilliseconds:F0} ms";

    public void Dispose() => _directory.Delete(recursive: true);
}
