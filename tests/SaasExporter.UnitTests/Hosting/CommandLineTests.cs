using SaasExporter.Hosting;

namespace SaasExporter.UnitTests.Hosting;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new string[0], "serve", 0)]
    [InlineData(new[] { "--Listen=0.0.0.0:9841" }, "serve", 1)]
    [InlineData(new[] { "once", "--AsOf=2026-01-01T00:00:00Z" }, "once", 1)]
    [InlineData(new[] { "check" }, "check", 0)]
    [InlineData(new[] { "demo", "seed", "--scale", "10" }, "demo seed", 2)]
    [InlineData(new[] { "demo", "simulate" }, "demo simulate", 0)]
    public void Parse_SplitsCommandFromArguments(string[] args, string command, int rest)
    {
        var parsed = CommandLine.Parse(args);

        Assert.Equal(command, parsed.Command);
        Assert.Equal(rest, parsed.Arguments.Count);
    }

    [Theory]
    [InlineData(new[] { "--help" }, new string[0])]
    [InlineData(new[] { "-h" }, new string[0])]
    [InlineData(new[] { "--Listen=127.0.0.1:1", "--help" }, new string[0])]
    [InlineData(new[] { "help" }, new string[0])]
    [InlineData(new[] { "help", "check" }, new[] { "check" })]
    [InlineData(new[] { "check", "--help" }, new[] { "check" })]
    [InlineData(new[] { "demo", "seed", "-h" }, new[] { "demo" })]
    public void Parse_HelpFlagAnywhere_IsTheHelpCommandOnWhatItFollows(string[] args, string[] topic)
    {
        var parsed = CommandLine.Parse(args);

        Assert.Equal("help", parsed.Command);
        Assert.Equal(topic, parsed.Arguments);
    }
}
