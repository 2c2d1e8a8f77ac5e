using SaasExporter.Demo;

namespace SaasExporter.UnitTests.Demo;

public sealed class DemoArgumentsTests
{
    private static readonly string[] SeedFlags = ["scale", "seed", "as-of", "days", "replace"];

    [Fact]
    public void TryParse_DemoFlagsAndConfiguration_AreSeparated()
    {
        Assert.True(DemoArguments.TryParse(
            ["--scale", "10", "--seed=9", "--as-of", "2026-11-01T00:00:00Z", "--days", "90", "--replace", "--Database:Schema=demo"],
            SeedFlags, out var parsed, out _));

        Assert.Equal(10, parsed.Scale);
        Assert.Equal(9, parsed.Seed);
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), parsed.AsOf);
        Assert.Equal(90, parsed.Days);
        Assert.True(parsed.Replace);
        Assert.Equal(["--Database:Schema=demo"], parsed.Rest);
    }

    [Theory]
    [InlineData("--scale", "0", "--scale = '0': not a valid value")]
    [InlineData("--days", "many", "--days = 'many': not a valid value")]
    [InlineData("--as-of", "soon", "--as-of = 'soon': not a valid value")]
    public void TryParse_BadValue_NamesTheFlag(string flag, string value, string expected)
    {
        Assert.False(DemoArguments.TryParse([flag, value], SeedFlags, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_FlagOfAnotherSubcommand_IsLeftForConfiguration()
    {
        Assert.True(DemoArguments.TryParse(["--tick", "5"], SeedFlags, out var parsed, out _));
        Assert.Equal(["--tick", "5"], parsed.Rest);
    }
}
