namespace SaasExporter.Slo;

/// <summary>PromQL pieces shared by the rule writer and the test writer.</summary>
public static class SliSemantics
{
    public static string Number(decimal value) => value.ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture);

    public static string IdMatcher(SloDefinition slo) => $"{{sloth_id=\"{slo.Id}\"}}";

    /// <summary>Every window the rules record an error ratio for: tier windows and the period, shortest first.</summary>
    /// <summary>Sloth's base window: community SLO dashboards read slo:sli_error:ratio_rate5m for the current SLI.</summary>
    public static readonly TimeSpan SlothBaseWindow = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<TimeSpan> Windows(SloDefinition slo, IReadOnlyList<BurnTier> tiers) =>
        [.. tiers.SelectMany(t => new[] { t.ShortWindow, t.LongWindow }).Append(slo.Period)
            .Concat(slo.Period > SlothBaseWindow ? [SlothBaseWindow] : []).Distinct().Order()];
}
