using SaasExporter.Configuration;

namespace SaasExporter.Slo;

/// <summary>
/// The flags of <c>slo replay</c>: <c>--from</c> and <c>--to</c> (ISO-8601 instants, <c>now</c> or <c>now-30d</c>),
/// <c>--in</c>, <c>--prometheus</c>, <c>--step</c> (the rule evaluation interval) and <c>--json</c>; each as
/// <c>--flag value</c> or <c>--flag=value</c>.
/// </summary>
internal sealed record ReplayArguments(DateTimeOffset From, DateTimeOffset To, string Input, Uri Prometheus, TimeSpan Step, bool Json)
{
    public const string DefaultPrometheus = "http://127.0.0.1:9090/";

    /// <summary>The global evaluation_interval of prometheus/prometheus.yml, which evaluates the generated rules.</summary>
    public static readonly TimeSpan DefaultStep = TimeSpan.FromSeconds(30);

    /// <summary>Two years of 30-second evaluations and a little more: beyond that, ask for a larger --step.</summary>
    public const long MaxEvaluations = 2_200_000;

    private static readonly string[] Units = ["s", "m", "h", "d", "w"];

    public static bool TryParse(IReadOnlyList<string> arguments, DateTimeOffset wallClock, out ReplayArguments result, out string error)
    {
        result = new ReplayArguments(default, default, SloCommand.DefaultInput, new Uri(DefaultPrometheus), DefaultStep, Json: false);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var eq = argument.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? argument : argument[..eq];
            if (name == "--json" && eq < 0)
            {
                json = true;
                continue;
            }

            if (name is not ("--from" or "--to" or "--in" or "--prometheus" or "--step"))
            {
                error = $"unexpected argument '{argument}' (usage: saas-exporter slo replay --from INSTANT --to INSTANT [--in DIR] [--prometheus URL] [--step DURATION] [--json])";
                return false;
            }

            if (eq >= 0)
            {
                values[name] = argument[(eq + 1)..];
            }
            else if (i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[name] = arguments[++i];
            }
            else
            {
                error = $"{name} needs a value";
                return false;
            }
        }

        foreach (var required in new[] { "--from", "--to" }.Where(f => !values.ContainsKey(f)))
        {
            error = $"{required} is required (usage: saas-exporter slo replay --from INSTANT --to INSTANT [--in DIR] [--prometheus URL] [--step DURATION] [--json])";
            return false;
        }

        if (!CommandInstant.TryParse(values["--from"], wallClock, out var from))
        {
            error = $"--from = '{values["--from"]}': not an ISO-8601 instant such as 2026-01-01T00:00:00Z, now or now-90d";
            return false;
        }

        if (!CommandInstant.TryParse(values["--to"], wallClock, out var to))
        {
            error = $"--to = '{values["--to"]}': not an ISO-8601 instant such as 2026-04-01T00:00:00Z, now or now-1d";
            return false;
        }

        if (from >= to)
        {
            error = $"--from {from:yyyy-MM-dd'T'HH:mm:ss'Z'} is not before --to {to:yyyy-MM-dd'T'HH:mm:ss'Z'}";
            return false;
        }

        var step = DefaultStep;
        if (values.TryGetValue("--step", out var stepText) && !Durations.TryParse(stepText, Units, out step))
        {
            error = $"--step = '{stepText}': not a duration such as 30s or 1m";
            return false;
        }

        if ((to - from).Ticks / step.Ticks > MaxEvaluations)
        {
            error = $"--from {from:yyyy-MM-dd'T'HH:mm:ss'Z'} to --to {to:yyyy-MM-dd'T'HH:mm:ss'Z'} is more than {MaxEvaluations} evaluations of {Durations.Format(step)}: give a larger --step";
            return false;
        }

        var prometheusText = values.GetValueOrDefault("--prometheus", DefaultPrometheus);
        if (!Uri.TryCreate(prometheusText.EndsWith('/') ? prometheusText : prometheusText + "/", UriKind.Absolute, out var prometheus)
            || prometheus.Scheme is not ("http" or "https"))
        {
            error = $"--prometheus = '{prometheusText}': not an http:// or https:// URL such as {DefaultPrometheus}";
            return false;
        }

        result = new ReplayArguments(from, to, values.GetValueOrDefault("--in", SloCommand.DefaultInput), prometheus, step, json);
        error = "";
        return true;
    }
}
