namespace SaasExporter.Catalogue;

/// <summary>The four PromQL label matcher operators.</summary>
public enum MatchOperator
{
    /// <summary><c>=</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>=~</c>, a fully anchored regular expression.</summary>
    Regex,

    /// <summary><c>!~</c></summary>
    NotRegex,
}
