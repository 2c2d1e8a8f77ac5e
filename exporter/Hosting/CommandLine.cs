namespace SaasExporter.Hosting;

/// <summary>
/// Splits the command line into a subcommand and the rest. Subcommands: serve (default), once, check, catalogue, backfill,
/// demo seed, demo simulate, slo generate, slo replay, help [COMMAND] (also --help, -h). Everything after the subcommand that is not a demo flag is configuration (--Key=Value).
/// </summary>
public sealed record CommandLine(string Command, IReadOnlyList<string> Arguments)
{
    public const string Usage = """
        usage: saas-exporter [serve|once|check|catalogue] [--Key=Value ...]
               saas-exporter check [--skeletons] [--Key=Value ...]
               saas-exporter backfill --from INSTANT --to INSTANT --step DURATION [--output FILE] [--Key=Value ...]
               saas-exporter health [--ready] [--Listen=host:port]
               saas-exporter demo seed [--scale N] [--seed S] [--as-of INSTANT] [--days D] [--replace|--if-empty] [--Key=Value ...]
               saas-exporter demo simulate [--tick SECONDS] [--seed S] [--Key=Value ...]
               saas-exporter slo generate [--in prometheus/slos] [--rules prometheus/rules/slo] [--tests prometheus/tests/slo] [--check]
               saas-exporter slo replay --from INSTANT --to INSTANT [--in prometheus/slos] [--prometheus URL] [--step 30s] [--json]
        configuration keys: see docs/configuration.md (also from appsettings.json and SAAS_EXPORTER_* variables)
        """;

    public static CommandLine Parse(string[] args)
    {
        // --help or -h anywhere asks for help on the command it follows (or on everything), never starts the server.
        if (Array.FindIndex(args, a => a is "--help" or "-h") is var flag and >= 0)
        {
            return new CommandLine("help", flag > 0 && !args[0].StartsWith('-') ? [args[0]] : []);
        }

        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return new CommandLine("serve", args);
        }

        if (args[0] is "demo" or "slo")
        {
            return args.Length >= 2 && !args[1].StartsWith('-')
                ? new CommandLine($"{args[0]} {args[1]}", args[2..])
                : new CommandLine(args[0], args[1..]);
        }

        return new CommandLine(args[0], args[1..]);
    }
}
