namespace SaasExporter.Configuration;

/// <summary>
/// A label whose values come from the data but are bounded by configuration (Plans, BillingIntervals): a listed value
/// is kept, any other becomes <see cref="Other"/> and NULL <see cref="Unknown"/>. Sums over the label stay equal to the
/// total, and the series count stays at most the list plus two whatever the data holds.
/// </summary>
internal static class AllowList
{
    public const string Other = "other";
    public const string Unknown = "unknown";
    public const int MaxValues = 20;

    /// <summary>The SQL expression that maps <paramref name="column"/> through the text[] parameter <paramref name="parameter"/>.</summary>
    public static string Sql(string column, string parameter) =>
        $"CASE WHEN {column} IS NULL THEN '{Unknown}' WHEN {column} = ANY(@{parameter}::text[]) THEN {column} ELSE '{Other}' END";

    /// <summary>The catalogue's label: the list, then the two catch-alls, served when the data holds such values.</summary>
    public static Catalogue.CatalogueLabel Label(string name, string key, IEnumerable<string> listed) =>
        Catalogue.CatalogueLabel.Fixed(name, $"configuration: {key}", [.. listed, Other, Unknown]) with { WhenPresent = [Other, Unknown] };
}
