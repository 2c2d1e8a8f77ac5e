using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaasExporter.Catalogue;
using SaasExporter.Collectors;
using SaasExporter.Configuration;
using SaasExporter.Hosting;

namespace SaasExporter.UnitTests.Hosting;

/// <summary>
/// Configuration is loaded once into <see cref="ExporterSettings"/>: files are read at that moment and never again,
/// windows are parsed there, and validation and the catalogue need nothing but the collectors' descriptors. No test
/// here has a database: the connection string points at a closed port.
/// </summary>
public sealed class ExporterConfigurationLoadTests : IDisposable
{
    private const string NoDatabase = "Host=127.0.0.1;Port=1";

    private readonly string _customFile = Path.Combine(Path.GetTempPath(), $"saas-exporter-load-{Guid.NewGuid():N}.yml");

    public void Dispose() => File.Delete(_customFile);

    private static ExporterSettings Load(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Database:ConnectionString"] = NoDatabase };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return ExporterConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    private void WriteCustomCollector(string name, string interval = "1m") => File.WriteAllText(_customFile,
        $"collectors:\n  - name: {name}\n    interval: {interval}\n    windows: [1d, 7d]\n    sql: SELECT 1 AS v\n    metrics: [{{name: {name}_value, help: h, value: v}}]\n");

    [Fact]
    public void Load_CustomCollectorsFile_IsReadOnce_TheCollectorsServedAreTheOnesValidated()
    {
        WriteCustomCollector("crm_probe");
        var settings = Load(("CustomCollectorsFile", _customFile));
        Assert.Empty(settings.Errors);

        // A file changed after the load (or a file that is no longer there) is not what the process serves.
        WriteCustomCollector("crm_other");
        using var provider = new ServiceCollection().AddLogging().AddExporter(settings).BuildServiceProvider();
        var names = provider.GetServices<IMetricCollector>().Select(c => c.Name).ToList();

        Assert.Contains("crm_probe", names);
        Assert.DoesNotContain("crm_other", names);
    }

    [Fact]
    public void Load_CustomCollector_DefaultScheduleIsItsFiles_AndConfigurationOverridesOnlyTheKeyItSets()
    {
        WriteCustomCollector("crm_probe", interval: "5m");

        var settings = Load(("CustomCollectorsFile", _customFile), ("Collectors:crm_probe:Timeout", "10s"));

        Assert.Empty(settings.Errors);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Options.For("crm_probe").Interval);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Options.For("crm_probe").Timeout);
    }

    [Fact]
    public void Load_Windows_AreBoundOnceAsTypedValues()
    {
        var settings = Load(("ActiveWindows:0", "2h"), ("ActiveWindows:1", "4w"), ("PlatformWindow", "12h"), ("SessionWindow", "90m"));

        Assert.Empty(settings.Errors);
        Assert.Equal([new Window("2h", TimeSpan.FromHours(2)), new Window("4w", TimeSpan.FromDays(28))], settings.Options.ActiveWindows);
        Assert.Equal(new Window("12h", TimeSpan.FromHours(12)), settings.Options.PlatformWindow);
        Assert.Equal(new Window("90m", TimeSpan.FromMinutes(90)), settings.Options.SessionWindow);
    }

    [Fact]
    public void Load_WindowsUnset_AreTheDefaults()
    {
        var options = Load().Options;

        Assert.Equal(["1d", "7d", "30d"], options.ActiveWindows.Select(w => w.Label));
        Assert.Equal(["1d", "7d", "30d"], options.SignupWindows.Select(w => w.Label));
        Assert.Equal(["7d", "30d"], options.FeatureWindows.Select(w => w.Label));
        Assert.Equal(new Window("30d", TimeSpan.FromDays(30)), options.PlatformWindow);
        Assert.Equal(new Window("30d", TimeSpan.FromDays(30)), options.FeaturesUsedWindow);
        Assert.Equal(new Window("7d", TimeSpan.FromDays(7)), options.SessionWindow);
    }

    [Theory]
    [InlineData("SignupWindows:1", "", "SignupWindows:1 = '': expected a window such as 30d, 12h or 4w")]
    [InlineData("FeatureWindows:0", "30s", "FeatureWindows:0 = '30s': expected a window such as 30d, 12h or 4w")]
    [InlineData("FeaturesUsedWindow", "3651d", "FeaturesUsedWindow = '3651d': expected a window such as 30d, 12h or 4w")]
    public void Load_NotAWindow_IsOneLineNamingTheKeyAndValue(string key, string value, string expected) =>
        Assert.Equal(expected, Assert.Single(Load((key, value)).Errors));

    [Theory]
    [InlineData("sql")]
    [InlineData("incremental")]
    public void Descriptors_AreExactlyWhatTheRegisteredCollectorsServe(string source)
    {
        WriteCustomCollector("crm_probe");
        var settings = Load(("EventMetrics:Source", source), ("CustomCollectorsFile", _customFile));
        Assert.Empty(settings.Errors);

        using var provider = new ServiceCollection().AddLogging().AddExporter(settings).BuildServiceProvider();
        var built = provider.GetServices<IMetricCollector>().ToList();

        Assert.Equal(settings.Collectors.Select(d => d.Name), built.Select(c => c.Name));
        foreach (var (descriptor, collector) in settings.Collectors.Zip(built))
        {
            Assert.Equal(descriptor.Relations, collector.Relations);
            Assert.Equal(descriptor.Families.Select(Shape), collector.Families.Select(Shape));
        }
    }

    private static string Shape(MetricFamily family) =>
        $"{family.Name} {family.Type} ({string.Join(",", family.LabelNames)}) [{string.Join(",", family.Buckets)}] {family.Help}";

    [Fact]
    public void Descriptors_NameEachCollectorOnce_AndEachFamilyOnce()
    {
        var descriptors = BuiltInCollectors.Descriptors;

        Assert.Equal(11, descriptors.Count);
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var families = descriptors.SelectMany(d => d.Families).Select(f => f.Name).ToList();
        Assert.Equal(families.Count, families.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Catalogue_OfIncrementalSourceWithCustomCollectors_ComesFromTheDescriptorsWithoutADatabase()
    {
        WriteCustomCollector("crm_probe");
        var settings = Load(("EventMetrics:Source", "incremental"), ("CustomCollectorsFile", _customFile), ("Collectors:surveys:Enabled", "false"));
        Assert.Empty(settings.Errors);

        var catalogue = ExporterCatalogue.For(settings);

        var expected = settings.Collectors.Where(c => c.Name != "surveys").SelectMany(c => c.Families).Select(f => f.Name);
        Assert.Equal(expected.Order(StringComparer.Ordinal), catalogue.Families.Where(f => f.Collector != "exporter").Select(f => f.Family).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["1d", "7d"], catalogue.Find("crm_probe_value")!.Label("window")!.Values);
        Assert.NotNull(catalogue.Find("saas_exporter_index_users"));
        Assert.Null(catalogue.Find("saas_survey_responses"));
    }
}
