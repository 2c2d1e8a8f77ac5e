namespace SaasExporter.Slo;

/// <summary>The op of a thresholdMetric objective: an evaluation is good when value op threshold.</summary>
public enum ThresholdOperator
{
    Lt,
    Lte,
    Gt,
    Gte,
}

/// <summary>OpenSLO spelling and PromQL comparison of a <see cref="ThresholdOperator"/>.</summary>
public static class ThresholdOperators
{
    /// <summary>The operator spelled <paramref name="text"/> (lt, lte, gt, gte), or null for anything else.</summary>
    public static ThresholdOperator? Parse(string? text) => text switch
    {
        "lt" => ThresholdOperator.Lt,
        "lte" => ThresholdOperator.Lte,
        "gt" => ThresholdOperator.Gt,
        "gte" => ThresholdOperator.Gte,
        _ => null,
    };

    public static string Comparison(this ThresholdOperator op) => op switch
    {
        ThresholdOperator.Lt => "<",
        ThresholdOperator.Lte => "<=",
        ThresholdOperator.Gt => ">",
        ThresholdOperator.Gte => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    public static bool HigherIsBetter(this ThresholdOperator op) => op is ThresholdOperator.Gt or ThresholdOperator.Gte;
}
