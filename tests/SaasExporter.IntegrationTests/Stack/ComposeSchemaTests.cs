using NJsonSchema;
using SaasExporter.IntegrationTests.Infrastructure;
using YamlDotNet.Serialization;

namespace SaasExporter.IntegrationTests.Stack;

/// <summary>docker-compose.yml validated against the Compose Specification's JSON Schema (vendored in Stack/Schemas).</summary>
public sealed class ComposeSchemaTests
{
    private static readonly string SchemaPath = Repository.PathOf("tests", "SaasExporter.IntegrationTests", "Stack", "Schemas", "compose-spec.json");

    /// <summary>YAML to JSON with YAML's own scalar types (an unquoted 5 is a number, true a boolean), as Compose reads it.</summary>
    private static string ToJson(string yaml)
    {
        var document = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(yaml);
        return new SerializerBuilder().JsonCompatible().Build().Serialize(document!);
    }

    private static async Task<IReadOnlyList<string>> ValidateAsync(string yaml)
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath);
        return [.. schema.Validate(ToJson(yaml)).Select(e => $"{e.Path}: {e.Kind}")];
    }

    [Fact]
    public async Task DockerCompose_ValidatesAgainstTheComposeSpecSchema()
    {
        var errors = await ValidateAsync(await File.ReadAllTextAsync(Repository.PathOf("docker-compose.yml")));

        Assert.True(errors.Count == 0, string.Join("; ", errors));
    }

    [Theory]
    [InlineData("services:\n  web:\n    image: nginx:1.27\n    restrat: always\n")]
    [InlineData("services:\n  web:\n    image: nginx:1.27\n    depends_on:\n      db:\n        condition: sometimes\n  db:\n    image: postgres:15\n")]
    [InlineData("servics:\n  web:\n    image: nginx:1.27\n")]
    public async Task BrokenComposeFiles_AreRejected(string yaml) => Assert.NotEmpty(await ValidateAsync(yaml));
}
