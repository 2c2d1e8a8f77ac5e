using SaasExporter.Configuration;

namespace SaasExporter.Backfill;

/// <summary>
/// The backfill flags (<c>--from</c>, <c>--to</c>, <c>--step</c>, <c>--output</c>, <c>--job</c>); every other
/// argument is configuration (<c>--Key=Value</c>), read as the other commands read it. An instant is ISO-8601, or
/// <c>now</c> or <c>now-180d</c> against the wall clock, so a scheduled job or a compose file can name a range.
/// </summary>
internal sealed record BackfillArguments(DateTimeOffset From, DateTimeOffset To, TimeSpan Step, string? Output, string Job, IReadOnlyList<string> Configuration)
{
    /// <summary>The scrape job of the shipped <c>prometheus/prometheus.yml</c>.</summary>
    public const string DefaultJob = "saas-exporter";

    private static readonly string[] Flags = ["from", "to", "step", "output", "job"];

    /// <summary>Parses the flags; <paramref name="error"/> is one line naming the flag when they are not usable.</summary>
    public static bool TryParse(IReadOnlyList<string> args, DateTimeOffset wallClock, out BackfillArguments result, out string error)
    {
        result = new BackfillArguments(default, default, default, null, DefaultJob, []);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var configuration = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = Split(args[i]);
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || !Flags.Contains(name))
            {
                configuration.Add(args[i]);
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error = $"--{name} needs a value";
                    return false;
                }

                value = args[++i];
            }

            values[name] = value;
        }

        foreach (var required in new[] { "from", "to", "step" }.Where(f => !values.ContainsKey(f)))
        {
            error = $"--{required} is required (usage: saas-exporter backfill --from INSTANT --to INSTANT --step DURATION [--output FILE])";
            return false;
        }

        if (!CommandInstant.TryParse(values["from"], wallClock, out var from))
        {
            error = $"--from = '{values["from"]}': not an ISO-8601 instant such as 2026-06-01T00:00:00Z, now or now-180d";
            return false;
        }

        if (!CommandInstant.TryParse(values["to"], wallClock, out var to))
        {
            error = $"--to = '{values["to"]}': not an ISO-8601 instant such as 2026-06-30T00:00:00Z, now or now-1d";
            return false;
        }

        if (!Window.TryParse(values["step"], out var step))
        {
            error = $"--step = '{values["step"]}': not a duration such as 1h or 1d";
            return false;
        }

        var job = values.GetValueOrDefault("job", DefaultJob);
        if (job.Length == 0)
        {
            error = "--job needs a value: the scrape job name of the exporter in your Prometheus configuration";
            return false;
        }

        result = new BackfillArguments(from, to, step.Length, values.GetValueOrDefault("output"), job, configuration);
        error = "";
        return true;
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var name = arg.TrimStart('-');
        var eq = name.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? (name, null) : (name[..eq], name[(eq + 1)..]);
    }
}
