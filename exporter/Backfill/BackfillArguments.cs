using System.Globalization;
using SaasExporter.Configuration;

namespace SaasExporter.Backfill;

/// <summary>
/// The backfill flags (<c>--from</c>, <c>--to</c>, <c>--step</c>, <c>--output</c>); every other argument is
/// configuration (<c>--Key=Value</c>), read as the other commands read it.
/// </summary>
internal sealed record BackfillArguments(DateTimeOffset From, DateTimeOffset To, TimeSpan Step, string? Output, IReadOnlyList<string> Configuration)
{
    private static readonly string[] Flags = ["from", "to", "step", "output"];

    /// <summary>Parses the flags; <paramref name="error"/> is one line naming the flag when they are not usable.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out BackfillArguments result, out string error)
    {
        result = new BackfillArguments(default, default, default, null, []);
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

        foreach (var required in Flags.Where(f => f != "output").Where(f => !values.ContainsKey(f)))
        {
            error = $"--{required} is required (usage: saas-exporter backfill --from INSTANT --to INSTANT --step DURATION [--output FILE])";
            return false;
        }

        if (!TryInstant(values["from"], out var from))
        {
            error = $"--from = '{values["from"]}': not an ISO-8601 instant such as 2026-06-01T00:00:00Z";
            return false;
        }

        if (!TryInstant(values["to"], out var to))
        {
            error = $"--to = '{values["to"]}': not an ISO-8601 instant such as 2026-06-30T00:00:00Z";
            return false;
        }

        if (!Window.TryParse(values["step"], out var step))
        {
            error = $"--step = '{values["step"]}': not a duration such as 1h or 1d";
            return false;
        }

        result = new BackfillArguments(from, to, step.Length, values.GetValueOrDefault("output"), configuration);
        error = "";
        return true;
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var name = arg.TrimStart('-');
        var eq = name.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? (name, null) : (name[..eq], name[(eq + 1)..]);
    }

    private static bool TryInstant(string text, out DateTimeOffset instant)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
        instant = instant.ToUniversalTime();
        return ok;
    }
}
