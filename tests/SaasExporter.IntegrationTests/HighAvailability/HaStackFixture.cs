using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.HighAvailability;

/// <summary>One healthy <see cref="HaStack"/> for a test class that only reads it.</summary>
public sealed class HaStackFixture : IAsyncLifetime
{
    private HaStack? _stack;

    public HaStack Stack => _stack ?? throw new InvalidOperationException("fixture not started");

    public async Task InitializeAsync() => _stack = await HaStack.StartAsync();

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}
