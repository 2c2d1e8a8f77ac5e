using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Web;

/// <summary>
/// A user name must not be found by timing: with a cost-12 user, a wrong password for it and any password for a name
/// that does not exist take about as long (before the dummy hash followed the configured cost: 222 ms and 57 ms).
/// </summary>
public sealed class UsernameTimingTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("saas-exporter-timing-");

    [Fact]
    public async Task WrongPassword_KnownAndUnknownUser_TakeAboutAsLong()
    {
        var webConfig = Path.Combine(_directory.FullName, "web.yml");
        await File.WriteAllTextAsync(webConfig, $"basic_auth_users:\n  prometheus: {BCrypt.Net.BCrypt.HashPassword("right", 12)}\n");
        await using var server = await ServingExporter.StartAsync(
            ["--Database:ConnectionString=Host=127.0.0.1;Port=1;Database=none", $"--WebConfigFile={webConfig}"]);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromSeconds(30) };

        async Task<double> Milliseconds(string user)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:wrong")));
            var clock = Stopwatch.StartNew();
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return clock.Elapsed.TotalMilliseconds;
        }

        await Milliseconds("warm-up");
        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            known.Add(await Milliseconds("prometheus"));
            unknown.Add(await Milliseconds($"nobody-{i}"));
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        output.WriteLine($"wrong password, cost-12 user: median {Median(known):F0} ms; unknown user: median {Median(unknown):F0} ms");
        Assert.InRange(Median(unknown) / Median(known), 0.5, 2.0);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
