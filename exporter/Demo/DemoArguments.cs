using System.Globalization;

namespace SaasExporter.Demo;

/// <summary>The demo flags (<c>--scale 10</c>, <c>--seed=7</c>...); anything else is passed on as configuration.</summary>
internal sealed record DemoArguments(double Scale, int Seed, DateTimeOffset? AsOf, int Days, bool Replace, bool IfEmpty, TimeSpan Tick, IReadOnlyList<string> Rest)
{
    public static bool TryParse(IReadOnlyList<string> args, string[] allowed, out DemoArguments result, out string error)
    {
        result = new DemoArguments(1, 42, null, 180, false, false, TimeSpan.FromSeconds(5), []);
        error = "";
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                (name, value) = (name[..eq], name[(eq + 1)..]);
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || !allowed.Contains(name))
            {
                rest.Add(arg);
                if (eq < 0 && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    rest.Add(args[++i]);
                }

                continue;
            }

            if (name is "replace" or "if-empty")
            {
                result = name == "replace" ? result with { Replace = true } : result with { IfEmpty = true };
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    error = $"--{name} needs a value";
                    return false;
                }

                value = args[++i];
            }

            var ok = name switch
            {
                "scale" => TryPositive(value, out var scale) && Set(ref result, result with { Scale = scale }),
                "seed" => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) && Set(ref result, result with { Seed = seed }),
                "days" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 3650 && Set(ref result, result with { Days = days }),
                "as-of" => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var asOf) && Set(ref result, result with { AsOf = asOf.ToUniversalTime() }),
                "tick" => TryPositive(value, out var tick) && Set(ref result, result with { Tick = TimeSpan.FromSeconds(tick) }),
                _ => false,
            };
            if (!ok)
            {
                error = $"--{name} = '{value}': not a valid value";
                return false;
            }
        }

        result = result with { Rest = rest };
        return true;
    }

    private static bool TryPositive(string value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && number > 0 && number <= 1000;

    private static bool Set(ref DemoArguments target, DemoArguments value)
    {
        target = value;
        return true;
    }
}
