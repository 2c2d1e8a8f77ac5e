using Microsoft.Extensions.Options;
using Npgsql;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Custom;
using SaasExporter.Database;
using SaasExporter.Events;
using SaasExporter.Events.Adoption;
using SaasExporter.Events.Engagement;
using SaasExporter.Events.Resurrection;
using SaasExporter.Events.Retention;
using SaasExporter.Incremental;
using SaasExporter.Polling;
using SaasExporter.Publishing;

namespace SaasExporter.Hosting;

public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddExporterOptions(this IServiceCollection services, IConfiguration configuration)
    {
        // Each collector's default schedule goes in first; configuration then overrides only the keys it sets.
        services.AddOptions<ExporterOptions>()
            .Configure<IEnumerable<KnownCollector>>((options, known) =>
            {
                foreach (var collector in known)
                {
                    options.Collectors[collector.Name] = new CollectorOptions
                    {
                        Interval = collector.DefaultSchedule.Interval,
                        Timeout = collector.DefaultSchedule.Timeout,
                    };
                }
            })
            .Bind(configuration)
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExporterOptions>, ExporterOptionsValidator>();
        return services.AddCollectors(IncrementalEventMetrics(configuration)).AddCustomCollectors(configuration);
    }

    /// <summary>
    /// The user-defined SQL collectors of the configured file. A file with problems registers nothing here: the
    /// commands validate configuration first (<see cref="ExporterConfiguration.Validate"/>) and refuse to start.
    /// </summary>
    private static IServiceCollection AddCustomCollectors(this IServiceCollection services, IConfiguration configuration)
    {
        var path = configuration[nameof(ExporterOptions.CustomCollectorsFile)];
        if (string.IsNullOrWhiteSpace(path))
        {
            return services;
        }

        var builtIn = services.Where(d => d.ServiceType == typeof(KnownCollector))
            .Select(d => ((KnownCollector)d.ImplementationInstance!).Name).ToList();
        foreach (var definition in CustomCollectorFile.Load(path, new Dictionary<string, string>(), builtIn).Collectors)
        {
            services.AddSingleton(new KnownCollector(definition.Name, definition.Schedule));
            services.AddSingleton<IMetricCollector>(new CustomSqlCollector(definition));
        }

        return services;
    }

    /// <summary>
    /// Whether EventMetrics:Source selects the activity index. A value that is neither sql nor incremental registers
    /// the SQL collectors here; configuration validation then refuses to start.
    /// </summary>
    private static bool IncrementalEventMetrics(IConfiguration configuration) =>
        string.Equals(configuration[$"{nameof(ExporterOptions.EventMetrics)}:{nameof(EventMetricsOptions.Source)}"],
            nameof(EventMetricsSource.Incremental), StringComparison.OrdinalIgnoreCase);

    /// <summary>The built-in collectors. Adding a metric family: write its collector file and add one line here.</summary>
    private static IServiceCollection AddCollectors(this IServiceCollection services, bool incremental) => services
        .AddActivityIndex(incremental)
        .AddEventFamily(EngagementDefinition.Family, incremental)
        .AddCollector<SessionCollector>()
        .AddCollector<ActivationCollector>()
        .AddCollector<RevenueCollector>()
        .AddCollector<AcquisitionCollector>()
        .AddEventFamily(AdoptionDefinition.Family, incremental)
        .AddEventFamily(RetentionDefinition.Family, incremental)
        .AddEventFamily(ResurrectionDefinition.Family, incremental)
        .AddCollector<SupportCollector>()
        .AddCollector<SurveyCollector>()
        .AddCollector<AccountHealthCollector>();

    private static IServiceCollection AddCollector<T>(this IServiceCollection services)
        where T : class, IMetricCollector, ICollectorDefinition
    {
        services.AddSingleton(new KnownCollector(T.CollectorName, T.DefaultSchedule));
        services.AddSingleton<IMetricCollector, T>();
        return services;
    }

    /// <summary>
    /// An event metric family from its SQL source, or from the activity index. The family itself is registered too:
    /// the index loader reads every family's history, and the differential test compares both sources of each.
    /// </summary>
    private static IServiceCollection AddEventFamily(this IServiceCollection services, EventFamily family, bool incremental)
    {
        services.AddSingleton(family);
        services.AddSingleton(new KnownCollector(family.Name, family.DefaultSchedule));
        services.AddSingleton<IMetricCollector>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ExporterOptions>>().Value;
            return incremental ? family.Index(options, sp.GetRequiredService<ActivityIndexStore>()) : family.Sql(options);
        });
        return services;
    }

    private static IServiceCollection AddActivityIndex(this IServiceCollection services, bool incremental)
    {
        if (incremental)
        {
            services.AddSingleton<ActivityIndexStore>();
        }

        return services;
    }

    /// <summary>Everything a poll needs: database access, resilience, publishing, status.</summary>
    public static IServiceCollection AddExporter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddExporterOptions(configuration);
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
