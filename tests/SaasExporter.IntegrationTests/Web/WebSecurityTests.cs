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
/// The HTTP surface of the real serve process with a web config file: TLS with a throwaway certificate, basic auth with
/// a bcrypt hash, refusals counted, probes open, and no secret anywhere in what the process prints or serves.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WebSecurityTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const string User = "prometheus";
    private readonly string _password = "scrape-" + Guid.NewGuid().ToString("N");
    private readonly string _databasePassword = "db-" + Guid.NewGuid().ToString("N");
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("saas-exporter-web-");

    [Fact]
    public async Task Serve_WithTlsAndBasicAuth_AnswersOnlyTheRightUser_CountsRefusals_AndNeverShowsASecret()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "websec");
        var certificate = ThrowawayCertificate.Create(_directory.FullName);
        var webConfig = WriteWebConfig($"""
            # relative paths resolve from this file's directory, as in exporter-toolkit
            tls_server_config:
              cert_file: cert.pem
              key_file: key.pem
            basic_auth_users:
              {User}: {BCrypt.Net.BCrypt.HashPassword(_password, 10)}
            """);
        await using var server = await ServingExporter.StartAsync(
        [
            $"--Database:ConnectionString={db.ConnectionString};Password={_databasePassword}",
            $"--WebConfigFile={webConfig}", $"--AsOf={Iso(Utc("2026-06-10T12:00:00Z"))}",
        ]);
        using var client = certificate.TrustingClient();
        var https = new Uri($"https://127.0.0.1:{server.Port}");
        var served = new StringBuilder();

        async Task<HttpStatusCode> Get(string path, string? user = null, string? password = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(https, path));
            if (user is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
            }

            using var response = await client.SendAsync(request);
            served.Append(response.Headers).Append(await response.Content.ReadAsStringAsync());
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
            }

            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/metrics"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/metrics", User, "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/metrics", "intruder", _password));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/metrics", User, _password + "x"));
        Assert.Equal(HttpStatusCode.OK, await Get("/healthz"));
        var timer = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, await Get("/metrics", User, _password));
        var firstMs = timer.Elapsed.TotalMilliseconds;
        timer.Restart();
        Assert.Equal(HttpStatusCode.OK, await Get("/metrics", User, _password));
        var cachedMs = timer.Elapsed.TotalMilliseconds;
        Assert.Equal(HttpStatusCode.OK, await Get("/", User, _password));
        output.WriteLine($"authorised scrape: first {firstMs:F1} ms (bcrypt verify), next {cachedMs:F1} ms (cached)");

        // Plain HTTP on the TLS port never gets an exposition.
        using (var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            try
            {
                using var response = await plain.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/metrics"));
                Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            }
            catch (HttpRequestException)
            {
                // Connection closed by the TLS handshake: the expected outcome.
            }
        }

        using var metricsRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(https, "/metrics"));
        metricsRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{_password}")));
        using var metricsResponse = await client.SendAsync(metricsRequest);
        var exposition = Exposition.Parse(await metricsResponse.Content.ReadAsStringAsync());
        Assert.Equal(2, exposition.Value(BasicAuthentication.UnauthorizedMetric, ("reason", "missing")));
        Assert.Equal(3, exposition.Value(BasicAuthentication.UnauthorizedMetric, ("reason", "wrong")));

        // The health command follows the web config to TLS.
        var health = await ExporterProcess.RunAsync(["health", $"--Listen=127.0.0.1:{server.Port}", $"--WebConfigFile={webConfig}"]);
        Assert.True(health.ExitCode == 0, health.Stderr);

        var curl = await CurlAsync(certificate, server.Port);

        await server.TerminateAsync();
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var everything = server.Output + served + health.Stdout + health.Stderr + curl;
        Assert.DoesNotContain(_password, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(_databasePassword, everything, StringComparison.Ordinal);
        output.WriteLine($"grepped {everything.Length} characters of logs, responses and curl output for both passwords: absent");
    }

    /// <summary>curl, when installed, as a second real client: right and wrong credentials, certificate checked.</summary>
    private async Task<string> CurlAsync(ThrowawayCertificate certificate, int port)
    {
        if (!File.Exists("/usr/bin/curl"))
        {
            output.WriteLine("curl not installed: checked with HttpClient only");
            return "";
        }

        async Task<string> Curl(string credentials)
        {
            var start = new ProcessStartInfo("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certificate.CertFile,
                "-u", credentials, $"https://127.0.0.1:{port}/metrics"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var curl = Process.Start(start)!;
            var text = await curl.StandardOutput.ReadToEndAsync() + await curl.StandardError.ReadToEndAsync();
            await curl.WaitForExitAsync();
            return text;
        }

        var right = await Curl($"{User}:{_password}");
        var wrong = await Curl($"{User}:nope");
        Assert.Equal("200", right);
        Assert.Equal("401", wrong);
        return right + wrong;
    }

    private string WriteWebConfig(string text)
    {
        var path = Path.Combine(_directory.FullName, "web.yml");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
