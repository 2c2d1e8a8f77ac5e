using System.Text;
using Microsoft.AspNetCore.Http;
using Prometheus;
using SaasExporter.Web;

namespace SaasExporter.UnitTests.Web;

[Collection(PasswordCheckCollection.Name)]
public sealed class BasicAuthenticationTests
{
    private const string Password = "right-password";

    private static DefaultHttpContext Request(string path, string? user = null, string? password = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        if (user is not null)
        {
            context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        }

        return context;
    }

    private static async Task<int> Send(BasicAuthentication authentication, DefaultHttpContext context)
    {
        await authentication.InvokeAsync(context, () =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        return context.Response.StatusCode;
    }

    [Fact]
    public async Task WrongPasswordFlood_PastTheCheckSlotsAndQueue_Is429_WhileProbesAndARememberedScraperPass()
    {
        var users = new Dictionary<string, string> { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword(Password, 10) };
        using var authentication = new BasicAuthentication(users, Metrics.NewCustomRegistry(), TimeProvider.System, checkSlots: 1);
        Assert.Equal(200, await Send(authentication, Request("/metrics", "prometheus", Password)));

        // One check runs (tens of milliseconds at cost 10, ages beside starting twenty requests), four wait; the other
        // fifteen are refused without a check.
        var flood = Enumerable.Range(0, 20).Select(i => Send(authentication, Request("/metrics", "prometheus", $"guess-{i}"))).ToList();
        var probe = await Send(authentication, Request("/healthz"));
        var remembered = await Send(authentication, Request("/metrics", "prometheus", Password));
        var answers = await Task.WhenAll(flood);

        Assert.Equal(200, probe);
        Assert.Equal(200, remembered);
        Assert.Equal(5, answers.Count(a => a == 401));
        Assert.Equal(15, answers.Count(a => a == 429));
    }

    [Fact]
    public async Task RememberedCredentials_ExpireAfterVerifiedFor_AndAreCheckedAgain()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var users = new Dictionary<string, string> { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword(Password, 10) };
        using var authentication = new BasicAuthentication(users, Metrics.NewCustomRegistry(), time, checkSlots: 1);
        Assert.Equal(200, await Send(authentication, Request("/metrics", "prometheus", Password)));

        // A remembered scraper takes no check slot: it passes while a check holds the only one and its queue is full.
        var busy = Enumerable.Range(0, 5).Select(i => Send(authentication, Request("/metrics", "prometheus", $"guess-{i}"))).ToList();
        Assert.Equal(200, await Send(authentication, Request("/metrics", "prometheus", Password)));
        time.Advance(BasicAuthentication.VerifiedFor);
        Assert.Equal(429, await Send(authentication, Request("/metrics", "prometheus", Password)));
        await Task.WhenAll(busy);
    }
}
