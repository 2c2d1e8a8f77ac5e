using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

/// <summary>
/// One deliberately broken OpenSLO file per validation rule (Slo/Broken/*.yaml); the first line of each names the
/// exact error line the compiler must print, and it must print that line only and write nothing.
/// </summary>
public sealed class BrokenOpenSloTests
{
    private static readonly string BrokenDirectory = Path.Combine(FindRoot(), "tests", "SaasExporter.UnitTests", "Slo", "Broken");

    public static TheoryData<string> BrokenFiles() => [.. Directory.GetFiles(BrokenDirectory, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Generate_BrokenFile_PrintsOneErrorLineAndWritesNothing(string file)
    {
        var text = File.ReadAllText(Path.Combine(BrokenDirectory, file));
        var expected = text.Split('\n')[0]["# expect: ".Length..];
        var work = Directory.CreateTempSubdirectory("slo-broken-");
        try
        {
            Directory.CreateDirectory(Path.Combine(work.FullName, "broken"));
            File.WriteAllText(Path.Combine(work.FullName, "broken", file), text);
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exitCode = SloCommand.Generate(["--in", "broken", "--rules", "r", "--tests", "t"], work.FullName, output, error);

            var errors = error.ToString().Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Select(l => l["error: ".Length..]).ToList();
            Assert.Equal(2, exitCode);
            Assert.Equal([expected], errors);
            Assert.False(Directory.Exists(Path.Combine(work.FullName, "r")));
            Assert.False(Directory.Exists(Path.Combine(work.FullName, "t")));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaasExporter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SaasExporter.sln not found");
    }
}
