using Microsoft.Extensions.Options;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Incremental;
using SaasExporter.Logging;
using SaasExporter.Polling;
using SaasExporter.Publishing;
using SaasExporter.Web;

namespace SaasExporter.Hosting;

/// <summary>The serve host: the poller in the background, /metrics, /healthz, /readyz and a landing page.</summary>
public static class ExporterWebApp
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private const string LifetimeCategory = "Microsoft.Hosting.Lifetime";

    public static WebApplication Build(ExporterSettings settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddConfiguration(settings.Configuration);
        // A start that fails (a port in use) is reported by ServeCommand as one line; the host would log it with its
        // stack, and the lifetime the shutdown that follows.
        var started = false;
        builder.Logging.AddFilter(HostCategory, level => Volatile.Read(ref started) && level >= LogLevel.Information);
        builder.Logging.AddFilter(LifetimeCategory, level => Volatile.Read(ref started) && level >= LogLevel.Information);
        builder.Services.AddExporter(settings);
        builder.Services.AddSingleton<CollectorScheduler>();
        builder.Services.AddSingleton<PrivilegeAudit>();
        // Not AddHostedService: it adds one service per implementation type, and both of these are AfterServerStarts.
        builder.Services.AddSingleton<IHostedService>(AfterListening<CollectorScheduler>);
        builder.Services.AddSingleton<IHostedService>(AfterListening<PrivilegeAudit>);
        builder.Services.AddSingleton<ExpositionCache>();
        // On SIGTERM, polls are cancelled at once (their queries cancelled on the server) while the web server drains
        // the scrapes in flight; stopped one after the other, a slow scrape would keep the queries running meanwhile.
        builder.Services.Configure<HostOptions>(o => o.ServicesStopConcurrently = true);
        configureServices?.Invoke(builder.Services);

        builder.WebHost.Listen(settings.Options.Listen, settings.Web);
        builder.Services.AddBasicAuthentication(settings.Web);

        var app = builder.Build();
        if (app.Services.GetService<ActivityIndexStore>() is { } index)
        {
            index.LoadWait = ActivityIndexStore.ServeLoadWait;
        }

        app.Use(OnlyReadMetrics);
        app.UseBasicAuthentication(settings.Web);
        app.Use(BufferMetricsUnderPublishGate);
        app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorRegistry>());
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (CollectorStatusBoard board) => board.IsReady
            ? Results.Text("ready\n")
            : Results.Text(
                "not ready: waiting for the first successful poll of " +
                string.Join(", ", board.All.Where(s => s.Enabled && s.LastSuccess is null).Select(s => s.Collector)) + "\n",
                statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/", async (CollectorStatusBoard board, IOptions<ExporterOptions> options, MetricPublisher publisher, TimeProvider time,
            IServiceProvider services, CancellationToken cancellationToken) =>
        {
            var headlines = await Headlines.ReadAsync(publisher, board, services.GetServices<IMetricCollector>(), cancellationToken);
            return Results.Content(LandingPage.Render(board.All, options.Value, time.GetUtcNow(), headlines,
                services.GetService<ActivityIndexStore>()?.Status), "text/html; charset=utf-8");
        });

        app.Lifetime.ApplicationStarted.Register(() => Volatile.Write(ref started, true));
        app.Lifetime.ApplicationStarted.Register(() => Log.Serving(
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SaasExporter"),
            string.Join(", ", app.Urls),
            string.Join(", ", app.Services.GetServices<IMetricCollector>().Select(c => c.Name))));
        return app;
    }

    private static AfterServerStarts AfterListening<T>(IServiceProvider services) where T : IHostedService =>
        new(services.GetRequiredService<IHostApplicationLifetime>(), services.GetRequiredService<T>());

    /// <summary>
    /// /metrics is read with GET or HEAD; any other method is 405 before credentials are checked, so it costs no
    /// password check either (the other paths are mapped for GET only and answer 405 by themselves).
    /// </summary>
    private static Task OnlyReadMetrics(HttpContext context, Func<Task> next)
    {
        if (!context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal)
            || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            return next();
        }

        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = "GET, HEAD";
        return Task.CompletedTask;
    }

    /// <summary>
    /// The exposition is rendered into memory while no poll is being published (never while a slow client reads),
    /// then copied to the client; the render is reused until a poll changes something (<see cref="ExpositionCache"/>).
    /// A scrape that arrives while a publish holds the gate answers with the last complete render at once: a publish
    /// of a wide custom collector must not make the whole target miss Prometheus' scrape timeout.
    /// </summary>
    private static async Task BufferMetricsUnderPublishGate(HttpContext context, Func<Task> next)
    {
        if (!context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal))
        {
            await next();
            return;
        }

        var cache = context.RequestServices.GetRequiredService<ExpositionCache>();
        var accept = context.Request.Headers.Accept.ToString();
        if (cache.TryGet(accept, out var contentType, out var cached))
        {
            await AnswerAsync(context, contentType, cached);
            return;
        }

        var publisher = context.RequestServices.GetRequiredService<MetricPublisher>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var generation = publisher.Generation;
        var renderedAt = time.GetTimestamp();
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            if (!await publisher.TryExportAsync(next, context.RequestAborted))
            {
                if (cache.TryGetLast(accept, out var lastType, out var last))
                {
                    context.Response.Body = original;
                    await AnswerAsync(context, lastType, last);
                    return;
                }

                // Nothing rendered yet for this Accept header: wait for the publish, as the first scrape must.
                await publisher.ExportAsync(next, context.RequestAborted);
            }
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.StatusCode == StatusCodes.Status200OK && context.Response.ContentType is { } rendered)
        {
            cache.Store(accept, generation, renderedAt, rendered, buffer.ToArray());
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task AnswerAsync(HttpContext context, string contentType, ReadOnlyMemory<byte> body)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
