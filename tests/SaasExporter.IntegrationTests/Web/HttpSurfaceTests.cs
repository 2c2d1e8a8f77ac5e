using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SaasExporter.IntegrationTests.Infrastructure;
using static SaasExporter.IntegrationTests.Infrastructure.Instants;

namespace SaasExporter.IntegrationTests.Web;

/// <summary>
/// What the real serve process answers beyond a plain scrape: only GET and HEAD read /metrics, and a PostgreSQL error
/// reaches the landing page as its SQLSTATE, never with the row value the server quoted in its message.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HttpSurfaceTests(PostgresFixture postgres) : IDisposable
{
    private const string User = "prometheus";
    private readonly string _password = "scrape-" + Guid.NewGuid().ToString("N");
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("saas-exporter-surface-");

    [Fact]
    public async Task Metrics_WithValidCredentials_AnswersGetAndHeadOnly_OtherMethodsAre405()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "methods");
        var webConfig = Path.Combine(_directory.FullName, "web.yml");
        await File.WriteAllTextAsync(webConfig, $"basic_auth_users:\n  {User}: {BCrypt.Net.BCrypt.HashPassword(_password, 10)}\n");
        await using var server = await ServingExporter.StartAsync(
            [$"--Database:ConnectionString={db.ConnectionString}", $"--WebConfigFile={webConfig}", $"--AsOf={Iso(Utc("2026-06-10T12:00:00Z"))}"]);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromSeconds(30) };
        var credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{_password}")));

        async Task<HttpResponseMessage> Send(string method, string path = "/metrics")
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
            request.Headers.Authorization = credentials;
            return await client.SendAsync(request);
        }

        foreach (var method in new[] { "GET", "HEAD" })
        {
            using var response = await Send(method);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} /metrics: {response.StatusCode}");
        }

        foreach (var method in new[] { "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND" })
        {
            using var response = await Send(method);
            Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"{method} /metrics: {response.StatusCode}");
            Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
            Assert.Empty(await response.Content.ReadAsStringAsync());
        }

        using var landing = await Send("POST", "/");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, landing.StatusCode);
    }

    [Fact]
    public async Task LandingPage_QueryErrorQuotingARowValue_ShowsTheSqlStateButNotTheValue()
    {
        const string RowValue = "someone@example.com";
        var db = await HandBuiltDatabase.CreateAsync(postgres, "landing_errors");
        var collectors = Path.Combine(_directory.FullName, "collectors.yml");
        await File.WriteAllTextAsync(collectors, $$"""
            collectors:
              - name: casts
                sql: SELECT v::int AS v FROM (VALUES ('{{RowValue}}')) AS t(v)
                metrics: [{name: cast_value, help: A text column cast to a number., value: v}]
            """);
        await using var server = await ServingExporter.StartAsync(
        [
            $"--Database:ConnectionString={db.ConnectionString}", $"--CustomCollectorsFile={collectors}",
            $"--AsOf={Iso(Utc("2026-06-10T12:00:00Z"))}", "--Logging:LogLevel:Default=Warning",
        ]);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), Timeout = TimeSpan.FromSeconds(30) };

        var page = "";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!page.Contains("22P02", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250);
            page = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        }

        Assert.Contains("22P02: invalid_text_representation (PostgreSQL error; its message is in the exporter&#39;s log)", page, StringComparison.Ordinal);
        Assert.DoesNotContain(RowValue, page, StringComparison.Ordinal);
        Assert.DoesNotContain(RowValue, await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
        // The operator's log keeps PostgreSQL's message, value included: it is where the failing row is found.
        Assert.Contains($"22P02: invalid input syntax for type integer: \"{RowValue}\"", server.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
