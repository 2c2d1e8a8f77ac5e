using SaasExporter.Configuration;

namespace SaasExporter.UnitTests.Configuration;

public sealed class WindowTests
{
    [Theory]
    [InlineData("1d", 24)]
    [InlineData("7d", 168)]
    [InlineData("30d", 720)]
    [InlineData("12h", 12)]
    [InlineData("4w", 672)]
    public void Parse_Days_AreExactMultiplesOf24Hours(string text, int hours)
    {
        var window = Window.Parse(text);

        Assert.Equal(text, window.Label);
        Assert.Equal(TimeSpan.FromHours(hours), window.Length);
    }

    [Theory]
    [InlineData("0d")]
    [InlineData("30")]
    [InlineData("30D")]
    [InlineData("-1d")]
    [InlineData("1.5d")]
    [InlineData("")]
    [InlineData("3651d")]
    [InlineData("30s")]
    [InlineData("1M")]
    public void TryParse_Rejects(string text) => Assert.False(Window.TryParse(text, out _));
}
