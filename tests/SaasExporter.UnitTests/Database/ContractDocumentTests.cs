using System.Text.RegularExpressions;
using SaasExporter.Database;
using SaasExporter.UnitTests.Slo;

namespace SaasExporter.UnitTests.Database;

/// <summary>
/// docs/contract.md's relation tables and <see cref="DatabaseContract"/> (which check and its skeletons use) list the
/// same relations, optionality, columns in the same order, and the same nullability.
/// </summary>
public sealed partial class ContractDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "contract.md"));

    [Fact]
    public void ContractDocument_ListsTheRelationsOfDatabaseContract_WithTheirOptionality()
    {
        var documented = RelationHeading().Matches(Document).Select(m => (m.Groups["name"].Value, m.Groups["kind"].Value == "optional"));

        Assert.Equal(DatabaseContract.Relations.Select(r => (r.Name, r.Optional)), documented);
    }

    [Theory]
    [MemberData(nameof(RelationNames))]
    public void ContractDocument_TableOfEachRelation_HasTheContractsColumnsAndNullability(string relation)
    {
        var heading = RelationHeading().Matches(Document).Single(m => m.Groups["name"].Value == relation);
        var next = RelationHeading().Match(Document, heading.Index + heading.Length);
        var section = Document[heading.Index..(next.Success ? next.Index : Document.IndexOf("\n## ", heading.Index, StringComparison.Ordinal))];
        var documented = ColumnRow().Matches(section).Select(m => (m.Groups["column"].Value, m.Groups["null"].Value == "yes"));

        Assert.Equal(DatabaseContract.Get(relation).Columns.Select(c => (c.Name, c.Nullable)), documented);
    }

    public static TheoryData<string> RelationNames() => [.. DatabaseContract.Relations.Select(r => r.Name)];

    [GeneratedRegex(@"^### (?<name>[a-z_]+) \((?<kind>required|optional)", RegexOptions.Multiline)]
    private static partial Regex RelationHeading();

    [GeneratedRegex(@"^\| `(?<column>[a-z_]+)` \| [^|]+ \| (?<null>yes|no) \|", RegexOptions.Multiline)]
    private static partial Regex ColumnRow();
}
