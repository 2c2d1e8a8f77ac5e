using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
namespace SaasExporter.Configuration;

/// <summary>
/// Validates the whole option tree at start. Every failure names the configuration key and the offending value,
/// and never echoes the connection string (it may carry a password).
/// </summary>
/// <param name="collectors">The name of every collector, built-in and custom: only they may be configured under Collectors.</param>
internal sealed class ExporterOptionsValidator(IEnumerable<string> collectors) : IValidateOptions<ExporterOptions>
{
    /// <summary>
    /// Bounds of a pinned evaluation instant: the windows and cohorts reach years back from it, which near
    /// 0001-01-01 is before any date .NET or the queries can represent; nothing the exporter measures predates 1970.
    /// </summary>
    internal static readonly DateTimeOffset EarliestAsOf = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly DateTimeOffset LatestAsOf = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public ValidateOptionsResult Validate(string? name, ExporterOptions options)
    {
        var errors = new List<string>();
        ValidateAnnotations(options, "", errors);
        ValidateAnnotations(options.Database, "Database:", errors);
        ValidateAnnotations(options.AccountHealth, "AccountHealth:", errors);
        ValidateAnnotations(options.EventMetrics, "EventMetrics:", errors);
        if (!Enum.IsDefined(options.EventMetrics.Source))
        {
            errors.Add($"EventMetrics:Source = {(int)options.EventMetrics.Source}: expected sql or incremental");
        }

        if (options.AsOf is { } asOf && (asOf < EarliestAsOf || asOf >= LatestAsOf))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"AsOf = {asOf:O}: must be between {EarliestAsOf:yyyy-MM-dd} and {LatestAsOf:yyyy-MM-dd}"));
        }

        var health = options.AccountHealth;
        if (health.UsageWeight + health.SupportWeight + health.SentimentWeight + health.BillingWeight == 0)
        {
            errors.Add("AccountHealth: the four weights are all 0; at least one must be positive");
        }

        if (health.YellowMin > health.GreenMin)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"AccountHealth:YellowMin = {health.YellowMin}: must not exceed AccountHealth:GreenMin = {health.GreenMin}"));
        }

        // A size below 1 is out of range and reported once, above.
        if (options.EventMetrics.Source == EventMetricsSource.Incremental && options.Database.MaxPoolSize == 1)
        {
            errors.Add($"Database:MaxPoolSize = {options.Database.MaxPoolSize}: must be at least 2 with EventMetrics:Source = incremental (a poll holds a connection while the activity index loads on another)");
        }

        if (WorkMemKilobytes(options.Database.WorkMem) is < 64 or > 2 * 1024 * 1024)
        {
            errors.Add($"Database:WorkMem = '{options.Database.WorkMem}': must be between 64kB and 2GB");
        }

        if (!string.IsNullOrEmpty(options.Database.ConnectionString))
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.Database.ConnectionString);
            }
            catch (ArgumentException e)
            {
                errors.Add($"Database:ConnectionString: not a valid Npgsql connection string ({e.Message.Split('\n')[0]})");
            }
        }

        if (!ListenAddress.TryParse(options.Listen, out _))
        {
            errors.Add($"Listen = '{options.Listen}': expected host:port, for example 127.0.0.1:9841");
        }

        if (!string.IsNullOrEmpty(options.ReportingTimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(options.ReportingTimeZone, out _))
        {
            errors.Add($"ReportingTimeZone = '{options.ReportingTimeZone}': unknown IANA time zone");
        }

        // Each window was parsed when it was bound (a bad one is reported by ConfigurationKeys); a list may still repeat one.
        ValidateDistinct("ActiveWindows", options.ActiveWindows, errors);
        ValidateDistinct("SignupWindows", options.SignupWindows, errors);
        ValidateLabelValues("Platforms", options.Platforms, errors);
        ValidateLabelValues("Features", options.Features, errors);
        ValidateDistinct("FeatureWindows", options.FeatureWindows, errors);
        ValidateAllowList("Plans", options.Plans, errors);
        ValidateAllowList("BillingIntervals", options.BillingIntervals, errors);
        if (options.Features is { Length: > 50 })
        {
            errors.Add($"Features: {options.Features.Length} features listed; at most 50 keep the series count bounded");
        }

        var known = collectors.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (collector, settings) in options.Collectors)
        {
            var prefix = $"Collectors:{collector}:";
            if (!known.Contains(collector))
            {
                errors.Add($"Collectors:{collector}: unknown collector (known: {string.Join(", ", known.Order())})");
                continue;
            }

            var before = errors.Count;
            ValidateAnnotations(settings, prefix, errors);
            if (errors.Count == before && settings.Timeout > settings.Interval)
            {
                errors.Add($"{prefix}Timeout = {settings.Timeout}: must not exceed {prefix}Interval = {settings.Interval}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A PostgreSQL memory size in kB, or null when it is not one (the annotation reports that).</summary>
    private static long? WorkMemKilobytes(string value)
    {
        var match = System.Text.RegularExpressions.Regex.Match(value, "^([1-9][0-9]{0,6})(kB|MB|GB)$");
        return match.Success
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * (match.Groups[2].Value switch { "GB" => 1024 * 1024, "MB" => 1024, _ => 1 })
            : null;
    }

    private static void ValidateDistinct(string key, Window[] windows, List<string> errors)
    {
        foreach (var duplicate in windows.GroupBy(w => w.Label).Where(g => g.Count() > 1))
        {
            errors.Add($"{key}: window '{duplicate.Key}' is listed twice");
        }
    }

    private static void ValidateLabelValues(string key, string[]? values, List<string> errors)
    {
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]) || values[i].Length > 64)
            {
                errors.Add($"{key}:{i} = '{values[i]}': must be a non-empty value of at most 64 characters");
            }
        }
    }

    /// <summary>A bounded label's values: at most <see cref="AllowList.MaxValues"/>, distinct, none of its catch-alls.</summary>
    private static void ValidateAllowList(string key, string[]? values, List<string> errors)
    {
        if (values is null)
        {
            return;
        }

        var before = errors.Count;
        ValidateLabelValues(key, values, errors);
        if (errors.Count > before)
        {
            return;
        }

        if (values.Length is 0 or > AllowList.MaxValues)
        {
            errors.Add($"{key}: {values.Length} values listed; list 1 to {AllowList.MaxValues} (the rest count as '{AllowList.Other}')");
        }
        else if (values.FirstOrDefault(v => v is AllowList.Other or AllowList.Unknown) is { } reserved)
        {
            errors.Add($"{key}: '{reserved}' is what values outside the list (or NULL) are counted as; it cannot be listed");
        }
        else if (values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            errors.Add($"{key}: '{twice.Key}' is listed twice");
        }
    }

    private static void ValidateAnnotations(object target, string prefix, List<string> errors)
    {
        foreach (var property in target.GetType().GetProperties())
        {
            var value = property.GetValue(target);
            var context = new ValidationContext(target) { MemberName = property.Name };
            var results = new List<ValidationResult>();
            if (Validator.TryValidateProperty(value, context, results))
            {
                continue;
            }

            var shown = property.Name == nameof(DatabaseOptions.ConnectionString) ? "(hidden)" : Format(value);
            foreach (var result in results)
            {
                var message = result.ErrorMessage ?? "invalid";
                message = message.Replace($"The {property.Name} field ", "", StringComparison.Ordinal)
                    .Replace($"The field {property.Name} ", "", StringComparison.Ordinal);
                errors.Add($"{prefix}{property.Name} = {shown}: {message.TrimEnd('.')}");
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "(unset)",
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
