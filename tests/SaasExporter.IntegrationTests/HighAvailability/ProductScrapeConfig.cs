using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.IntegrationTests.HighAvailability;

/// <summary>
/// The test Prometheus configuration (<see cref="PrometheusTestConfig"/>) with one scrape job per product instead of
/// the single saas-exporter job: each job is a copy of the shipped saas-exporter job under the product's name, as
/// docs/high-availability.md (Many products on one Prometheus) tells users to write it.
/// </summary>
public static class ProductScrapeConfig
{
    public static string Generate(IReadOnlyList<(string Job, IReadOnlyList<Uri> Exporters)> products, string selfTarget)
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(PrometheusTestConfig.Generate([.. products[0].Exporters.Select(e => e.Authority)], selfTarget)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var jobs = (YamlSequenceNode)root["scrape_configs"];
        var shipped = jobs.Children.Cast<YamlMappingNode>().Single(j => ((YamlScalarNode)j["job_name"]).Value == PrometheusTestConfig.ExporterJob);
        var scrapes = new YamlSequenceNode(jobs.Children.Where(j => !ReferenceEquals(j, shipped)));
        foreach (var (job, exporters) in products)
        {
            var copy = new YamlMappingNode(shipped.Children.Where(c => ((YamlScalarNode)c.Key).Value is not ("job_name" or "static_configs")));
            copy.Children[new YamlScalarNode("job_name")] = new YamlScalarNode(job);
            copy.Children[new YamlScalarNode("static_configs")] = new YamlSequenceNode(new YamlMappingNode(
                new YamlScalarNode("targets"), new YamlSequenceNode(exporters.Select(e => new YamlScalarNode(e.Authority)))));
            scrapes.Add(copy);
        }

        root.Children[new YamlScalarNode("scrape_configs")] = scrapes;
        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
