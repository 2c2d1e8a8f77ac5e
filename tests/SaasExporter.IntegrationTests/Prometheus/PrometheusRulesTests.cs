using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Prometheus;

/// <summary>prometheus/ checked by the real promtool: the config, every rule file (lint fatal) and every rule test.</summary>
public sealed class PrometheusRulesTests
{
    private static readonly string Directory = Repository.PathOf("prometheus");

    public static TheoryData<string> RuleFiles() => [.. YmlFiles("rules")];

    public static TheoryData<string> RuleTests() => [.. YmlFiles("tests")];

    [Fact]
    public async Task Config_IsValidWithItsRuleFiles()
    {
        var (exitCode, output) = await Promtool.RunAsync(["check", "config", "--lint-fatal", "prometheus.yml"], Directory);

        Assert.True(exitCode == 0, output);
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public async Task RuleFile_PassesCheckWithLintFatal(string file)
    {
        var (exitCode, output) = await Promtool.RunAsync(["check", "rules", "--lint-fatal", file], Directory);

        Assert.True(exitCode == 0, output);
    }

    [Theory]
    [MemberData(nameof(RuleTests))]
    public async Task RuleTest_Passes(string file)
    {
        var (exitCode, output) = await Promtool.RunAsync(["test", "rules", file], Directory);

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRecordingRuleOfTheContract_IsDefined()
    {
        var rules = File.ReadAllText(Path.Combine(Directory, "rules", "recording.yml"));
        string[] contract =
        [
            "saas:dau_mau:ratio", "saas:dau_wau:ratio", "saas:wau_mau:ratio", "saas:power_users:ratio", "saas:feature_adoption:ratio",
            "saas:activation:ratio", "saas:onboarding_completion:ratio", "saas:retention:ratio", "saas:cohort_retention:ratio",
            "saas:resurrection:ratio", "saas:customer_churn:ratio30d", "saas:mrr_churn_gross:ratio30d", "saas:mrr_churn_net:ratio30d",
            "saas:quick_ratio:ratio30d", "saas:nrr:ratio365d", "saas:grr:ratio365d", "saas:arr", "saas:arpa", "saas:ltv", "saas:cac",
            "saas:ltv_cac:ratio", "saas:cac_payback:months", "saas:trial_conversion:ratio30d", "saas:nps:score90d", "saas:csat:ratio90d",
            "saas:ces_easy:ratio90d", "saas:tickets_per_active_user:ratio30d",
        ];

        Assert.All(contract, name => Assert.Contains($"- record: {name}\n", rules, StringComparison.Ordinal));
    }

    /// <summary>Hand-written files and the generated SLO files of the slo/ subdirectory, relative to prometheus/.</summary>
    private static IEnumerable<string> YmlFiles(string directory) =>
        System.IO.Directory.GetFiles(Path.Combine(Directory, directory), "*.yml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
}
