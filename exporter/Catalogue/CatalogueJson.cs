using System.Text.Json;

namespace SaasExporter.Catalogue;

/// <summary>
/// The catalogue as JSON (README "Catalogue"): <c>{"families": [{"name", "family", "type", "collector", "help",
/// "labels": [{"name", "values": [..] or null when open, "source"}]}]}</c>, one entry per series name.
/// </summary>
public static class CatalogueJson
{
    public static void Write(ExporterCatalogue catalogue, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("families");
        foreach (var family in catalogue.Families)
        {
            json.WriteStartObject();
            json.WriteString("name", family.Name);
            json.WriteString("family", family.Family);
            json.WriteString("type", family.Type);
            json.WriteString("collector", family.Collector);
            json.WriteString("help", family.Help);
            json.WriteStartArray("labels");
            foreach (var label in family.Labels)
            {
                json.WriteStartObject();
                json.WriteString("name", label.Name);
                if (label.Values is { } values)
                {
                    json.WriteStartArray("values");
                    foreach (var value in values)
                    {
                        json.WriteStringValue(value);
                    }

                    json.WriteEndArray();
                }
                else
                {
                    json.WriteNull("values");
                }

                if (label.WhenPresent.Count > 0)
                {
                    json.WriteStartArray("when_present");
                    foreach (var value in label.WhenPresent)
                    {
                        json.WriteStringValue(value);
                    }

                    json.WriteEndArray();
                }

                json.WriteString("source", label.Source);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        stream.WriteByte((byte)'\n');
    }
}
