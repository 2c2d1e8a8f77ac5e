namespace SaasExporter.Hosting;

internal static class Help
{
    /// <summary>What each command does, for <c>saas-exporter help COMMAND</c>; the syntax itself is CommandLine.Usage.</summary>
    private static readonly Dictionary<string, string> Topics = new(StringComparer.Ordinal)
    {
        ["serve"] = "Polls the database on a schedule and serves /metrics, the landing page, /healthz and /readyz (the default command).",
        ["once"] = "Polls every enabled collector once, prints the exposition to stdout and exits: 0 when every collector succeeded, 2 when one failed.",
        ["check"] = "Checks the configuration and the database contract (docs/contract.md) without serving: one line per problem, exit 2 when any is fatal. --skeletons also prints on stdout a CREATE VIEW skeleton for every contract relation the schema lacks.",
        ["catalogue"] = "Prints every metric family the configuration can serve, with its labels and label values.",
        ["backfill"] = "Writes OpenMetrics history for past instants, for promtool tsdb create-blocks-from openmetrics (docs/backfill.md).",
        ["health"] = "Asks the server on this host whether it is alive (/healthz) or, with --ready, ready (/readyz): for container health checks.",
        ["demo"] = "demo seed fills a schema with the reference demo product; demo simulate keeps adding live activity to it.",
        ["slo"] = "slo generate compiles the OpenSLO files into Prometheus rules and promtool tests (docs/slos.md); --check only compares.",
    };

    public static int Print(TextWriter writer, int exitCode, string? error = null)
    {
        if (error is not null)
        {
            writer.WriteLine($"saas-exporter: {error}");
        }

        writer.WriteLine(CommandLine.Usage);
        return exitCode;
    }

    /// <summary>
    /// <c>help</c>, <c>--help</c>, <c>-h</c>: the whole usage on stdout, exit 0. <c>help COMMAND</c>: what the command does and its
    /// usage lines. An unknown topic is one line on stderr and exit 2, like an unknown command.
    /// </summary>
    public static int Show(IReadOnlyList<string> topic)
    {
        if (topic.Count == 0)
        {
            return Print(Console.Out, ExitCodes.Ok);
        }

        var command = topic[0];
        if (!Topics.TryGetValue(command, out var description))
        {
            return UnknownCommand(command);
        }

        Console.Out.WriteLine(description);
        foreach (var line in UsageLines(command))
        {
            Console.Out.WriteLine(line);
        }

        return ExitCodes.Ok;
    }

    /// <summary>One line naming the command and where usage is, exit 2: a typo should not scroll the screen.</summary>
    public static int UnknownCommand(string command)
    {
        Console.Error.WriteLine($"saas-exporter: unknown command '{command}'; run 'saas-exporter --help' for usage");
        return ExitCodes.Invalid;
    }

    private static IEnumerable<string> UsageLines(string command)
    {
        var lines = CommandLine.Usage.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var syntax = lines.Where(l => l.Contains($"saas-exporter {command} ", StringComparison.Ordinal)
                                      || l.Contains($"[{command}|", StringComparison.Ordinal)
                                      || l.Contains($"|{command}|", StringComparison.Ordinal)
                                      || l.Contains($"|{command}]", StringComparison.Ordinal));
        return syntax.Select(l => l.StartsWith("usage: ", StringComparison.Ordinal) ? l : "usage: " + l)
            .Append(lines[^1]);
    }

    /// <summary>Prints configuration problems, one line each, and returns the exit code for invalid input.</summary>
    public static int ConfigurationErrors(IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine($"saas-exporter: config: {error}");
        }

        return ExitCodes.Invalid;
    }

    /// <summary>An exception nothing else handled: one line naming its type and message, and exit code 2.</summary>
    public static int Fatal(Exception exception)
    {
        var inner = exception.GetBaseException();
        var detail = inner == exception ? exception.Message : $"{exception.Message} ({inner.Message})";
        Console.Error.WriteLine($"saas-exporter: fatal: {exception.GetType().Name}: {detail.ReplaceLineEndings(" ")}");
        return ExitCodes.Invalid;
    }
}
