using System.Reflection;
using Microsoft.Extensions.Configuration;
using SaasExporter.Configuration;
using SaasExporter.Hosting;

namespace SaasExporter.UnitTests.Configuration;

public sealed class ExporterConfigurationTests
{
    private static IReadOnlyList<string> Validate(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Database:ConnectionString"] = "Host=127.0.0.1;Password=hunter2" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return ExporterConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).Errors;
    }

    [Fact]
    public void Validate_Defaults_AreValid() => Assert.Empty(Validate());

    [Fact]
    public void Validate_LoggingSection_IsNotAnUnknownKey() => Assert.Empty(Validate(("Logging:LogLevel:Default", "Debug")));

    [Theory]
    [InlineData("Collectors:engagement:Timeout", "00:05:00", "Collectors:engagement:Timeout = 00:05:00: must not exceed Collectors:engagement:Interval = 00:01:00")]
    [InlineData("Collectors:engagement:Interval", "00:00:00", "Collectors:engagement:Interval = 00:00:00: must be between 00:00:01 and 1.00:00:00")]
    [InlineData("Listen", "localhost", "Listen = 'localhost': expected host:port, for example 127.0.0.1:9841")]
    [InlineData("Database:Schema", "Bad-Schema", "Database:Schema = 'Bad-Schema': must be a lower-case PostgreSQL identifier")]
    [InlineData("Database:MaxPoolSize", "0", "Database:MaxPoolSize = 0: must be between 1 and 32")]
    [InlineData("Database:MaxConcurrentPolls", "0", "Database:MaxConcurrentPolls = 0: must be between 1 and 32")]
    [InlineData("Database:WorkMem", "64M", "Database:WorkMem = '64M': must be a PostgreSQL memory size such as 64MB (kB, MB or GB)")]
    [InlineData("Database:WorkMem", "64MB'; DROP TABLE x; --", "Database:WorkMem = '64MB'; DROP TABLE x; --': must be a PostgreSQL memory size such as 64MB (kB, MB or GB)")]
    [InlineData("Database:WorkMem", "32kB", "Database:WorkMem = '32kB': must be between 64kB and 2GB")]
    [InlineData("Database:WorkMem", "3GB", "Database:WorkMem = '3GB': must be between 64kB and 2GB")]
    [InlineData("SessionWindow", "7days", "SessionWindow = '7days': expected a window such as 30d, 12h or 4w")]
    [InlineData("Platforms:0", "", "Platforms:0 = '': must be a non-empty value of at most 64 characters")]
    [InlineData("Database:ConnectionString:Host", "x", "Database:ConnectionString: is a value, not a section (Host unknown)")]
    [InlineData("AccountHealth:YellowMin", "80", "AccountHealth:YellowMin = 80: must not exceed AccountHealth:GreenMin = 70")]
    [InlineData("AccountHealth:UsageWeight", "101", "AccountHealth:UsageWeight = 101: must be between 0 and 100")]
    [InlineData("AccountHealth:Weight", "1", "AccountHealth:Weight: unknown configuration key")]
    [InlineData("EventMetrics:Source", "cache", "EventMetrics:Source = 'cache': not a valid value (sql or incremental)")]
    [InlineData("EventMetrics:Lateness", "2.00:00:00", "EventMetrics:Lateness = 2.00:00:00: must be between 00:00:00 and 1.00:00:00")]
    [InlineData("EventMetrics:RebuildInterval", "00:00:10", "EventMetrics:RebuildInterval = 00:00:10: must be between 00:01:00 and 30.00:00:00")]
    [InlineData("EventMetrics:Watermark", "1", "EventMetrics:Watermark: unknown configuration key")]
    [InlineData("Collectors:engagement:Enabled", "maybe", "Collectors:engagement:Enabled = 'maybe': not a valid boolean (true or false)")]
    public void Validate_BadValue_NamesTheKeyAndTheValue(string key, string value, string expected)
    {
        var errors = key == "Database:ConnectionString:Host"
            ? ExporterConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build()).Errors
            : Validate((key, value));

        Assert.Contains(expected, errors);
    }

    [Fact]
    public void Validate_UnreadableCustomCollectorsFile_NamesTheKeyAndThePath() =>
        Assert.StartsWith("CustomCollectorsFile: /nonexistent.yml: cannot read the custom collector file:",
            Assert.Single(Validate(("CustomCollectorsFile", "/nonexistent.yml"))));

    [Theory]
    [InlineData("sql")]
    [InlineData("Incremental")]
    public void Validate_EventMetricsSource_AcceptsBothSources(string source) => Assert.Empty(Validate(("EventMetrics:Source", source)));

    [Theory]
    [InlineData("sql")]
    [InlineData("incremental")]
    public void Validate_EitherSourceWithCustomCollectors_IsValid(string source)
    {
        // Validation compares the file's names with the built-in collectors' families, so it must be able to build
        // the indexed collectors too (they depend on the activity index and the query runner).
        var file = Path.Combine(Path.GetTempPath(), $"saas-exporter-unit-{Guid.NewGuid():N}.yml");
        File.WriteAllText(file, "collectors:\n  - name: crm_probe\n    sql: SELECT 1 AS v\n    metrics: [{name: crm_probe_value, help: h, value: v}]\n");
        try
        {
            Assert.Empty(Validate(("EventMetrics:Source", source), ("CustomCollectorsFile", file)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Validate_CustomMetricNamedLikeAnIndexedFamily_IsRefused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saas-exporter-unit-{Guid.NewGuid():N}.yml");
        File.WriteAllText(file, "collectors:\n  - name: crm_probe\n    sql: SELECT 1 AS v\n    metrics: [{name: saas_power_users, help: h, value: v}]\n");
        try
        {
            var error = Assert.Single(Validate(("EventMetrics:Source", "incremental"), ("CustomCollectorsFile", file)));
            Assert.StartsWith($"CustomCollectorsFile: {file}:", error, StringComparison.Ordinal);
            Assert.Contains("saas_power_users", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Validate_DuplicateWindow_IsReported() =>
        Assert.Contains("ActiveWindows: window '7d' is listed twice", Validate(("ActiveWindows:0", "7d"), ("ActiveWindows:1", "7d")));

    [Fact]
    public void Validate_InvalidConnectionString_NeverEchoesIt()
    {
        var errors = Validate(("Database:ConnectionString", "Host=x;Password=hunter2;Bogus Keyword=1"));

        var error = Assert.Single(errors);
        Assert.StartsWith("Database:ConnectionString: not a valid Npgsql connection string", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyConnectionString_IsRequired() =>
        Assert.Contains("Database:ConnectionString = (hidden): is required",
            ExporterConfiguration.Load(new ConfigurationBuilder().Build()).Errors);

    [Fact]
    public void Build_SettingsFileNotJson_IsOneLineNamingTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saas-exporter-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{ \"Database\": { \"Schema\": \"public\", }\n  \"Listen\" ");
        try
        {
            var e = Assert.Throws<InvalidConfigurationException>(() => ExporterConfiguration.Build([], file));
            Assert.StartsWith($"{file}: not valid JSON: ", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Every enum-typed option in the tree, by its configuration key (Section:Key), with its enum type.</summary>
    private static IEnumerable<(string Key, Type Enum)> EnumOptions(Type owner, string prefix)
    {
        foreach (var property in owner.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsEnum)
            {
                yield return (prefix + property.Name, type);
            }
            else if (type.IsClass && type != typeof(string) && !type.IsArray && !type.IsGenericType)
            {
                foreach (var nested in EnumOptions(type, $"{prefix}{property.Name}:"))
                {
                    yield return nested;
                }
            }
        }
    }

    [Fact]
    public void Validate_EveryEnumOption_RefusesNumbersAndNamesItsValues()
    {
        var options = EnumOptions(typeof(ExporterOptions), "").ToList();
        Assert.Contains(("EventMetrics:Source", typeof(EventMetricsSource)), options);

        foreach (var (key, type) in options)
        {
            var names = string.Join(" or ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
            Assert.Equal([$"{key} = '1': not a valid value ({names})"], Validate((key, "1")));
            Assert.Equal([$"{key} = '0': not a valid value ({names})"], Validate((key, "0")));
            Assert.Empty(Validate((key, Enum.GetNames(type)[^1].ToUpperInvariant())));
        }
    }

    [Theory]
    [InlineData("0001-01-01", "AsOf = 0001-01-01T00:00:00.0000000+00:00: must be between 1970-01-01 and 2200-01-01")]
    [InlineData("9999-12-31T00:00:00Z", "AsOf = 9999-12-31T00:00:00.0000000+00:00: must be between 1970-01-01 and 2200-01-01")]
    public void Validate_AsOfOutsideItsRange_IsOneLine(string asOf, string expected) =>
        Assert.Equal([expected], Validate(("AsOf", asOf)));

    [Theory]
    [InlineData(new[] { "extra" }, "extra")]
    [InlineData(new[] { "--Listen=127.0.0.1:9841", "stray" }, "stray")]
    [InlineData(new[] { "--Listen", "127.0.0.1:9841", "stray" }, "stray")]
    public void Build_PositionalArgument_IsRefusedByName(string[] args, string positional)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => ExporterConfiguration.Build(args, "/nonexistent/appsettings.json"));

        Assert.Equal($"command line: '{positional}': unexpected argument (configuration is given as --Key=Value)", error.Message);
    }

    [Fact]
    public void Build_KeyValuePairsInEveryForm_AreConfiguration()
    {
        var configuration = ExporterConfiguration.Build(["--Listen", "127.0.0.1:1", "/AsOf=2026-01-01T00:00:00Z", "Schema=x"], "/nonexistent/appsettings.json");

        Assert.Equal("127.0.0.1:1", configuration["Listen"]);
        Assert.Equal("x", configuration["Schema"]);
    }
}

public sealed class CollectorScheduleTests
{
    private static SaasExporter.Configuration.ExporterOptions Resolve(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Database:ConnectionString"] = "Host=127.0.0.1" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var loaded = ExporterConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        Assert.Empty(loaded.Errors);
        return loaded.Options;
    }

    [Fact]
    public void Collectors_WithoutConfiguration_UseTheirOwnDefaultSchedule()
    {
        var options = Resolve();

        Assert.Equal(TimeSpan.FromMinutes(1), options.For("engagement").Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), options.For("engagement").Timeout);
        Assert.Equal(TimeSpan.FromMinutes(15), options.For("retention").Interval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.For("retention").Timeout);
        Assert.True(options.For("retention").Enabled);
    }

    [Fact]
    public void Collectors_ConfiguredKey_OverridesOnlyThatKey()
    {
        var options = Resolve(("Collectors:retention:Timeout", "00:10:00"), ("Collectors:ENGAGEMENT:Enabled", "false"));

        Assert.Equal(TimeSpan.FromMinutes(10), options.For("retention").Timeout);
        Assert.Equal(TimeSpan.FromMinutes(15), options.For("retention").Interval);
        Assert.False(options.For("engagement").Enabled);
        Assert.Equal(TimeSpan.FromMinutes(1), options.For("engagement").Interval);
    }
}
