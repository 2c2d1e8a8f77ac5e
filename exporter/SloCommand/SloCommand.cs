using SaasExporter.Hosting;

namespace SaasExporter.Slo;

/// <summary>
/// <c>saas-exporter slo generate [--in DIR] [--rules DIR] [--tests DIR] [--check] [--catalogue [--Key=Value ...]]</c>:
/// compiles OpenSLO v1 files into Prometheus rules and promtool tests. Errors and warnings go to stderr, one line each;
/// nothing is written when any file is invalid. With --check nothing is written and the exit code says whether the
/// committed files are current. With --catalogue every SLI input must be a series the exporter can serve with the
/// given configuration (or a recording rule of the rule files beside --rules that can): one that never can is an error.
/// </summary>
internal static class SloCommand
{
    public const string DefaultInput = "prometheus/slos";
    public const string DefaultRules = "prometheus/rules/slo";
    public const string DefaultTests = "prometheus/tests/slo";

    public static int Generate(IReadOnlyList<string> arguments) => Generate(arguments, Directory.GetCurrentDirectory(), Console.Out, Console.Error);

    public static int Generate(IReadOnlyList<string> arguments, string baseDirectory, TextWriter output, TextWriter error)
    {
        string input = DefaultInput, rules = DefaultRules, tests = DefaultTests;
        var check = false;
        var catalogue = false;
        var exporterSettings = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var value = i + 1 < arguments.Count ? arguments[i + 1] : null;
            switch (arguments[i])
            {
                case "--in" when value is not null:
                    input = value;
                    i++;
                    break;
                case "--rules" when value is not null:
                    rules = value;
                    i++;
                    break;
                case "--tests" when value is not null:
                    tests = value;
                    i++;
                    break;
                case "--check":
                    check = true;
                    break;
                case "--catalogue":
                    catalogue = true;
                    break;
                case var setting when catalogue && setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
                    exporterSettings.Add(setting);
                    break;
                default:
                    return Help.Print(error, ExitCodes.Invalid, $"slo generate: unexpected argument '{arguments[i]}'");
            }
        }

        var result = SloGenerator.Generate(baseDirectory, input, rules, tests, ExporterServedSeries.Value);
        if (catalogue && result.Diagnostics.Errors.Count == 0)
        {
            var errors = SliCatalogueCheck.Run(result, exporterSettings, Path.GetDirectoryName(Path.Combine(baseDirectory, rules))!);
            if (errors is not null)
            {
                return Help.ConfigurationErrors(errors);
            }
        }
        var alertmanager = Path.Combine(Path.GetDirectoryName(input) ?? "", TeamRoutes.FileName);
        var unrouted = TeamRoutes.Warnings(result.Slos.Select(s => s.Slo), Path.Combine(baseDirectory, alertmanager), alertmanager);
        foreach (var warning in result.Diagnostics.Warnings.Concat(unrouted))
        {
            error.WriteLine($"warning: {warning}");
        }

        foreach (var line in result.Diagnostics.Errors)
        {
            error.WriteLine($"error: {line}");
        }

        if (result.Diagnostics.Errors.Count > 0)
        {
            error.WriteLine($"saas-exporter: slo generate: {result.Diagnostics.Errors.Count} error(s); nothing written");
            return ExitCodes.Invalid;
        }

        if (check)
        {
            var stale = Differences(Path.Combine(baseDirectory, rules), result.Rules).Concat(Differences(Path.Combine(baseDirectory, tests), result.Tests)).ToList();
            foreach (var file in stale)
            {
                error.WriteLine($"saas-exporter: slo generate --check: {file} is not what the compiler generates");
            }

            return stale.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }

        SloGenerator.WriteDirectory(Path.Combine(baseDirectory, rules), result.Rules);
        SloGenerator.WriteDirectory(Path.Combine(baseDirectory, tests), result.Tests);
        foreach (var (slo, tiers) in result.Slos)
        {
            output.WriteLine($"{slo.Name}: {string.Join(", ", tiers.Select(t => $"{t.Name} {BurnRatePlanner.Describe(t)} ({t.Severity.Text()})"))}");
        }

        output.WriteLine($"ok: {result.Slos.Count} SLOs -> {result.Rules.Count} rule files in {rules}, {result.Tests.Count} test files in {tests}");
        return ExitCodes.Ok;
    }

    public static IEnumerable<string> Differences(string directory, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path) || File.ReadAllText(path) != content)
            {
                yield return path;
            }
        }

        if (Directory.Exists(directory))
        {
            foreach (var extra in Directory.GetFiles(directory, "*.yml").Where(f => !files.ContainsKey(Path.GetFileName(f))))
            {
                yield return extra;
            }
        }
    }
}
