namespace SaasExporter.UnitTests.Slo;

/// <summary>The repository root, found upwards from the test binaries by SaasExporter.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SaasExporter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SaasExporter.sln not found above " + AppContext.BaseDirectory);
    }
}
