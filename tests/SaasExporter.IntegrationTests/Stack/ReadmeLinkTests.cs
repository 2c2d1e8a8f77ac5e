using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>
/// The front page and the docs: every link of README.md and of every docs/*.md page resolves (to a file of the
/// repository, or a heading of the page it names), every alert's runbook link names a heading of docs/alerts.md, the
/// front page keeps the two set-up commands, links every docs page, and stays a five-minute read.
/// </summary>
public sealed partial class ReadmeLinkTests
{
    private static IEnumerable<string> Pages() =>
        [Repository.PathOf("README.md"), .. Directory.GetFiles(Repository.PathOf("docs"), "*.md").Order(StringComparer.Ordinal)];

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static HashSet<string> Anchors(string page) =>
        [.. Heading().Matches(File.ReadAllText(page)).Select(m => Punctuation().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))];

    [Fact]
    public void ReadmeAndDocsLinks_PointAtFilesOrHeadings()
    {
        var broken = new List<string>();
        foreach (var page in Pages())
        {
            var directory = Path.GetDirectoryName(page)!;
            foreach (var link in Link().Matches(File.ReadAllText(page)).Select(m => m.Groups[1].Value).Where(l => !l.StartsWith("http", StringComparison.Ordinal)))
            {
                var parts = link.Split('#', 2);
                var target = parts[0].Length == 0 ? page : Path.GetFullPath(Path.Combine(directory, parts[0]));
                var ok = Path.Exists(target) && (parts.Length == 1 || !target.EndsWith(".md", StringComparison.Ordinal) || Anchors(target).Contains(parts[1]));
                if (!ok)
                {
                    broken.Add($"{Path.GetRelativePath(Repository.Root, page)}: {link}");
                }
            }
        }

        Assert.True(broken.Count == 0, "broken links: " + string.Join(", ", broken));
    }

    [Fact]
    public void RunbookLinksOfEveryAlert_PointAtHeadingsOfTheAlertsPage()
    {
        var anchors = Anchors(Repository.PathOf("docs", "alerts.md"));
        var rules = Directory.GetFiles(Repository.PathOf("prometheus", "rules"), "*.yml", SearchOption.AllDirectories);
        var links = rules.SelectMany(f => RunbookUrl().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.StartsWith("docs/alerts.md#", link, StringComparison.Ordinal));
        Assert.All(links, link => Assert.Contains(link["docs/alerts.md#".Length..], anchors));
    }

    [Fact]
    public void FrontPage_KeepsTheTwoSetUpCommands_LinksEveryDocsPage_AndStaysShort()
    {
        var readme = File.ReadAllText(Repository.PathOf("README.md"));
        var words = readme.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;

        Assert.Contains("```sh\ndocker compose up\n```", readme, StringComparison.Ordinal);
        Assert.Contains("```sh\n./tests/run\n```", readme, StringComparison.Ordinal);
        Assert.All(Directory.GetFiles(Repository.PathOf("docs"), "*.md").Select(Path.GetFileName),
            page => Assert.Contains($"](docs/{page})", readme, StringComparison.Ordinal));
        Assert.InRange(words, 300, 1200);
    }

    [GeneratedRegex(@"^#+ (.*)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex Punctuation();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"runbook_url: ""?([^""\s]+)")]
    private static partial Regex RunbookUrl();
}
