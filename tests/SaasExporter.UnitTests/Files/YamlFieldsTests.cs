using SaasExporter.Files;
using YamlDotNet.RepresentationModel;

namespace SaasExporter.UnitTests.Files;

/// <summary>The one field reader of the three configuration file kinds, on its own.</summary>
public sealed class YamlFieldsTests
{
    private readonly List<string> _errors = [];

    private YamlFields Read(string yaml)
    {
        var documents = YamlDocuments.Load("f.yml", yaml, out var error);
        Assert.Equal("", error);
        return YamlFields.Of(documents![0].RootNode, "", (at, key, message) => _errors.Add($"{YamlPosition.Of("f.yml", at)}: {key}: {message}"))!;
    }

    [Fact]
    public void EveryProblemOfAMapping_IsReported_WithLineColumnAndKeyPath_AndReadingGoesOn()
    {
        var fields = Read("name: [a]\ncount: lots\nnested:\n  flag: maybe\n  labls: x\n");

        Assert.Null(fields.Scalar("name"));
        Assert.Null(fields.Number("count"));
        Assert.Null(fields.String("missing", required: true));
        var nested = fields.Map("nested")!;
        Assert.Null(nested.Bool("flag"));
        nested.Allow("labels");
        nested.RejectUnknown();
        fields.RejectUnknown();

        Assert.Equal(
        [
            "f.yml:1:1: name: must be a single value",
            "f.yml:2:8: count: expected a number, got 'lots'",
            "f.yml:1:1: missing: is required",
            "f.yml:4:9: nested.flag: expected true or false, got 'maybe'",
            "f.yml:5:3: nested.labls: unknown key, did you mean 'labels'? (known: flag, labels)",
        ], _errors);
    }

    [Fact]
    public void UnknownKey_FarFromEveryKnownKey_ListsTheKnownKeysWithoutAGuess()
    {
        var fields = Read("interval: 5m\ncolour: red\n");
        fields.Allow("interval", "timeout");

        fields.RejectUnknown();

        Assert.Equal(["f.yml:2:1: colour: unknown key (known: interval, timeout)"], _errors);
    }

    [Fact]
    public void UnknownKey_WithAnExplanation_IsReportedWithIt()
    {
        var fields = Read("cipher_suites: []\n");

        fields.RejectUnknown(key => key == "cipher_suites" ? "is not supported" : null);

        Assert.Equal(["f.yml:1:1: cipher_suites: is not supported"], _errors);
    }

    [Theory]
    [InlineData("lables", "labels")]
    [InlineData("Labels", "labels")]
    [InlineData("budgetMethod", "budgetingMethod")]
    [InlineData("basic_auth_userz", "basic_auth_users")]
    [InlineData("op", null)]
    [InlineData("colour", null)]
    public void KeySuggestion_NamesACloseKnownKeyOnly(string key, string? expected)
    {
        Assert.Equal(expected, KeySuggestion.Nearest(key, ["labels", "budgetingMethod", "basic_auth_users", "name", "sql"]));
    }

    [Fact]
    public void Duration_TakesTheOneGrammarWithTheUnitsGiven()
    {
        var fields = Read("a: 90s\nb: 90s\nc: 1h30m\n");

        Assert.Equal(TimeSpan.FromSeconds(90), fields.Duration("a", ["s", "m"], "a duration"));
        Assert.Null(fields.Duration("b", ["m", "h"], "a duration in minutes or hours"));
        Assert.Null(fields.Duration("c", ["m", "h"], "a duration in minutes or hours"));
        Assert.Equal(
            ["f.yml:2:4: b: '90s' is not a duration in minutes or hours", "f.yml:3:4: c: '1h30m' is not a duration in minutes or hours"],
            _errors);
    }

    [Fact]
    public void KeyPath_LocatesKeysHoldingDots_ListItems_AndTheLongestPresentPrefix()
    {
        var documents = YamlDocuments.Load("f.yml", "metadata:\n  annotations:\n    example.io/x: '1'\nspec:\n  objectives:\n    - target: 0.9\n", out _)!;
        var root = documents[0].RootNode;

        Assert.Equal((3, 19), Position(YamlKeyPath.Locate(root, "metadata.annotations.example.io/x")));
        Assert.Equal((6, 15), Position(YamlKeyPath.Locate(root, "spec.objectives[0].target")));
        Assert.Equal((6, 7), Position(YamlKeyPath.Locate(root, "spec.objectives[0].op")));
        Assert.Equal((1, 1), Position(YamlKeyPath.Locate(root, "metadata.labels.team")));
    }

    [Fact]
    public void SyntaxError_IsOneLineWithLineAndColumn()
    {
        Assert.Null(YamlDocuments.Load("f.yml", "a: [\n", out var error));
        Assert.StartsWith("f.yml:2:1: not valid YAML: ", error);
        Assert.DoesNotContain('\n', error);
    }

    private static (long Line, long Column) Position(YamlNode node) => (node.Start.Line, node.Start.Column);
}
