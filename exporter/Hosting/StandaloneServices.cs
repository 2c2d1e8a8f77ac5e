namespace SaasExporter.Hosting;

/// <summary>The exporter's services without a web host, for the once and check commands.</summary>
internal static class StandaloneServices
{
    public static ServiceProvider Build(ExporterSettings settings) =>
        new ServiceCollection()
            .AddLogging(logging => logging
                .AddConfiguration(settings.Configuration.GetSection("Logging"))
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter("SaasExporter", LogLevel.Warning)
                .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddExporter(settings)
            .BuildServiceProvider();
}
