using System.Text.RegularExpressions;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>
/// The exporter settings the repository ships, read from the files that ship them, as --Key=Value arguments without
/// the connection string and listen address (a test supplies its own).
/// </summary>
public static class ShippedSettings
{
    /// <summary>docker-compose.yml's exporter environment, as arguments; /app/ is where the image holds exporter/'s files.</summary>
    public static List<string> Compose()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Repository.PathOf("docker-compose.yml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var environment = (YamlMappingNode)((YamlMappingNode)services["exporter"])["environment"];
        var settings = new List<string>();
        foreach (var (key, value) in environment.Children)
        {
            var name = ((YamlScalarNode)key).Value!["SAAS_EXPORTER_".Length..].Replace("__", ":", StringComparison.Ordinal);
            var text = ((YamlScalarNode)value).Value!;
            if (name is "Database:ConnectionString" or "Listen")
            {
                continue;
            }

            if (text.StartsWith("/app/", StringComparison.Ordinal))
            {
                text = Repository.PathOf("exporter", text["/app/".Length..]);
                Assert.True(File.Exists(text), $"docker-compose.yml: {key} names /app/{Path.GetFileName(text)}, which exporter/ does not hold");
            }

            settings.Add($"--{name}={text}");
        }

        Assert.Contains(settings, s => s.StartsWith("--CustomCollectorsFile=", StringComparison.Ordinal));
        return settings;
    }

    /// <summary>The arguments tests/local-stack gives `serve`, less the connection string and listen address.</summary>
    public static List<string> LocalStack()
    {
        var script = File.ReadAllText(Repository.PathOf("tests", "local-stack"));
        var serve = Regex.Match(script, @"start exporter .*? serve (?<args>(?:[^\n]*\\\n)*[^\n]*)");
        Assert.True(serve.Success, "tests/local-stack: no `start exporter ... serve` line");
        var settings = Regex.Matches(serve.Groups["args"].Value, "\"--(?<key>[A-Za-z:]+)=(?<value>[^\"]*)\"")
            .Where(m => m.Groups["key"].Value is not "Database:ConnectionString" and not "Listen")
            .Select(m => $"--{m.Groups["key"].Value}={m.Groups["value"].Value.Replace("$repo", Repository.Root, StringComparison.Ordinal)}")
            .ToList();
        Assert.Contains(settings, s => s.StartsWith("--CustomCollectorsFile=", StringComparison.Ordinal));
        return settings;
    }
}
