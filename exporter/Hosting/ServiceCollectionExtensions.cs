using Microsoft.Extensions.Options;
using Npgsql;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Database;
using SaasExporter.Incremental;
using SaasExporter.Polling;
using SaasExporter.Publishing;

namespace SaasExporter.Hosting;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The loaded settings as options, and every collector they enable the registration of: the built-in ones for the
    /// configured event metrics source, then the custom collector file's.
    /// </summary>
    private static IServiceCollection AddCollectors(this IServiceCollection services, ExporterSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(Options.Create(settings.Options));
        var incremental = settings.Options.EventMetrics.Source == EventMetricsSource.Incremental;
        if (incremental)
        {
            services.AddSingleton<ActivityIndexStore>();
        }

        foreach (var collector in BuiltInCollectors.All)
        {
            collector.Register(services, incremental);
        }

        foreach (var definition in settings.CustomCollectors)
        {
            services.AddSingleton<IMetricCollector>(new CustomSqlCollector(definition));
        }

        return services;
    }

    /// <summary>Everything a poll needs: database access, resilience, publishing, status.</summary>
    public static IServiceCollection AddExporter(this IServiceCollection services, ExporterSettings settings)
    {
        services.AddCollectors(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => CreateDataSource(sp.GetRequiredService<IOptions<ExporterOptions>>().Value.Database));
        services.AddSingleton<IQueryRunner, QueryRunner>();
        services.AddSingleton(sp => DatabaseResilience.Build(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("SaasExporter.Database")));
        services.AddSingleton<CollectorRegistry>(_ => Metrics.NewCustomRegistry());
        services.AddSingleton<SelfMetrics>();
        services.AddSingleton(sp =>
        {
            var publisher = new MetricPublisher(sp.GetRequiredService<CollectorRegistry>());
            foreach (var collector in sp.GetServices<IMetricCollector>())
            {
                publisher.Register(collector);
            }

            return publisher;
        });
        services.AddSingleton(sp =>
        {
            var board = new CollectorStatusBoard();
            var options = sp.GetRequiredService<IOptions<ExporterOptions>>().Value;
            var self = sp.GetRequiredService<SelfMetrics>();
            foreach (var collector in sp.GetServices<IMetricCollector>())
            {
                var schedule = options.For(collector.Name);
                board.Declare(collector.Name, schedule.Enabled, schedule.Enabled ? null : "disabled in configuration");
                self.Declare(collector.Name, schedule.Enabled, schedule.Interval);
            }

            return board;
        });
        services.AddSingleton<EvaluationClock>();
        services.AddSingleton<PollExecutor>();
        return services;
    }

    /// <summary>One data source for the process, with a small pool; the schema becomes the search_path.</summary>
    public static NpgsqlDataSource CreateDataSource(DatabaseOptions database)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            ApplicationName = "saas-exporter",
            MaxPoolSize = database.MaxPoolSize,
            Timeout = (int)Math.Ceiling(database.ConnectTimeout.TotalSeconds),
            SearchPath = database.Schema,
        };
        return NpgsqlDataSource.Create(builder);
    }
}
