using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>Every README link and every alert's runbook link resolves: to a file of the repository or a README heading.</summary>
public sealed partial class ReadmeLinkTests
{
    private static readonly string Readme = File.ReadAllText(Repository.PathOf("README.md"));

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static HashSet<string> Anchors() =>
        [.. Heading().Matches(Readme).Select(m => Punctuation().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))];

    [Fact]
    public void ReadmeLinks_PointAtFilesOrHeadings()
    {
        var anchors = Anchors();
        var broken = Link().Matches(Readme).Select(m => m.Groups[1].Value)
            .Where(l => !l.StartsWith("http", StringComparison.Ordinal))
            .Where(l => l.StartsWith('#') ? !anchors.Contains(l[1..]) : !Path.Exists(Repository.PathOf(l.Split('#')[0])))
            .ToList();

        Assert.True(broken.Count == 0, "broken README links: " + string.Join(", ", broken));
    }

    [Fact]
    public void RunbookLinksOfEveryAlert_PointAtReadmeHeadings()
    {
        var anchors = Anchors();
        var rules = Directory.GetFiles(Repository.PathOf("prometheus", "rules"), "*.yml", SearchOption.AllDirectories);
        var runbooks = rules.SelectMany(f => Runbook().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.NotEmpty(runbooks);
        Assert.All(runbooks, anchor => Assert.Contains(anchor, anchors));
    }

    [GeneratedRegex(@"^#+ (.*)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex Punctuation();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"runbook_url: ""?README\.md#([\w-]+)")]
    private static partial Regex Runbook();
}
