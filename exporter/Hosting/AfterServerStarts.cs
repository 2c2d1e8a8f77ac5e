namespace SaasExporter.Hosting;

/// <summary>
/// Starts a hosted service only once the web server listens. A serve that cannot listen (a port in use) then ends
/// with its one-line error before any poll has touched the database or logged a retry; the host would otherwise start
/// hosted services first and the server last.
/// </summary>
internal sealed class AfterServerStarts(IHostApplicationLifetime lifetime, IHostedService inner) : IHostedService, IDisposable
{
    private readonly Lock gate = new();
    private CancellationTokenRegistration registration;
    private bool started;
    private bool stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        registration = lifetime.ApplicationStarted.Register(StartInner);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await registration.DisposeAsync();
        bool run;
        lock (gate)
        {
            stopping = true;
            run = started;
        }

        if (run)
        {
            await inner.StopAsync(cancellationToken);
        }
    }

    /// <summary>The inner service is the container's to dispose (it is registered on its own).</summary>
    public void Dispose() => registration.Dispose();

    private void StartInner()
    {
        lock (gate)
        {
            if (stopping)
            {
                return;
            }

            started = true;
        }

        // A BackgroundService returns from StartAsync at its first await; the work goes on in the background.
        inner.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}
