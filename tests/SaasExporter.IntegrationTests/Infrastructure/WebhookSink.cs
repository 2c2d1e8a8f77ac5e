using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>One Alertmanager webhook notification: the receiver path, when it arrived, and its alerts.</summary>
public sealed record Notification(string Path, TimeSpan ArrivedAfter, string Status, IReadOnlyList<NotifiedAlert> Alerts);

/// <summary>One alert of a notification, with its labels and annotations.</summary>
public sealed record NotifiedAlert(string Status, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations);

/// <summary>
/// A webhook receiver on a free loopback port, standing in for the pager and the ticket system: it records every
/// notification Alertmanager posts (path and payload) and when it arrived.
/// </summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Notification> _received = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private WebhookSink(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public IReadOnlyList<Notification> Received => [.. _received];

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            sink.Record(context.Request.Path.Value ?? "/", body.RootElement);
            return Results.Ok();
        });
        await app.StartAsync();
        sink.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return sink;
    }

    /// <summary>Waits for a notification matching the condition; fails with everything received so far.</summary>
    public async Task<Notification> WaitForAsync(Func<Notification, bool> condition, TimeSpan timeout, string what)
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < timeout)
        {
            var match = _received.FirstOrDefault(condition);
            if (match is not null)
            {
                return match;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"no notification {what} within {timeout}; received: " +
            string.Join(" | ", _received.Select(n => $"{n.Path} {n.Status} [{string.Join(", ", n.Alerts.Select(a => $"{a.Labels.GetValueOrDefault("alertname")}:{a.Status}"))}]")));
    }

    /// <summary>
    /// Waits until no notification has arrived for <paramref name="quiet"/>, and at least <paramref name="atLeast"/> from
    /// now: Alertmanager has then said everything it will about the alerts it holds. Fails after <paramref name="limit"/>.
    /// </summary>
    public async Task WaitUntilQuietAsync(TimeSpan quiet, TimeSpan atLeast, TimeSpan limit)
    {
        var started = Stopwatch.StartNew();
        var sinceLast = Stopwatch.StartNew();
        var count = _received.Count;
        while (started.Elapsed < limit)
        {
            await Task.Delay(250);
            if (_received.Count != count)
            {
                count = _received.Count;
                sinceLast.Restart();
            }
            else if (sinceLast.Elapsed >= quiet && started.Elapsed >= atLeast)
            {
                return;
            }
        }

        throw new TimeoutException($"notifications kept arriving for {limit}: {_received.Count} so far");
    }

    private void Record(string path, JsonElement payload)
    {
        static IReadOnlyDictionary<string, string> Map(JsonElement e) =>
            e.ValueKind == JsonValueKind.Object ? e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "") : new Dictionary<string, string>();

        var alerts = payload.GetProperty("alerts").EnumerateArray()
            .Select(a => new NotifiedAlert(a.GetProperty("status").GetString()!, Map(a.GetProperty("labels")), Map(a.GetProperty("annotations"))))
            .ToList();
        _received.Enqueue(new Notification(path, _clock.Elapsed, payload.GetProperty("status").GetString()!, alerts));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
