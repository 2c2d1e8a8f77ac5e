using System.Diagnostics;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>The real promtool (Debian package prometheus) over an exposition.</summary>
public static class Promtool
{
    /// <summary>
    /// Lint findings caused by names that docs/contract.md fixes, and only those: promlint reads the "days" in
    /// saas_active_days_users and crm_sales_cycle_days as a unit, and wants a quantile label only on summaries, while the contract serves
    /// precomputed quantiles as gauges. Everything else (a parse error, any other lint problem) fails the test.
    /// </summary>
    private static readonly string[] ContractFindings =
    [
        "saas_active_days_users use base unit \"seconds\" instead of \"days\"",
        "crm_sales_cycle_days use base unit \"seconds\" instead of \"days\"",
        "saas_sessions_per_user non-summary metrics should not have \"quantile\" label",
        "saas_session_duration_seconds non-summary metrics should not have \"quantile\" label",
        "saas_time_to_first_value_seconds non-summary metrics should not have \"quantile\" label",
        "saas_ticket_first_response_seconds non-summary metrics should not have \"quantile\" label",
        "saas_ticket_resolution_seconds non-summary metrics should not have \"quantile\" label",
    ];

    public static string Path =>
        new[] { Environment.GetEnvironmentVariable("SAAS_EXPORTER_PROMTOOL"), "/usr/bin/promtool", "/usr/local/bin/promtool" }
            .FirstOrDefault(p => p is not null && File.Exists(p))
        ?? throw new InvalidOperationException("promtool not found: install it with `apt-get install prometheus` (tests/run does this) or set SAAS_EXPORTER_PROMTOOL");

    public static async Task CheckMetricsAsync(string exposition)
    {
        var (exitCode, output) = await RunAsync(exposition);
        var findings = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !ContractFindings.Contains(line))
            .ToList();

        // Exit code 3 means lint findings only; 1 would mean the exposition does not parse.
        Assert.True(exitCode is 0 or 3 && findings.Count == 0,
            $"promtool check metrics exited {exitCode}: {string.Join(" | ", findings)}");
    }

    /// <summary>Runs promtool with arguments in a working directory; returns its exit code and all its output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(Path, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string exposition)
    {
        var start = new ProcessStartInfo(Path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
