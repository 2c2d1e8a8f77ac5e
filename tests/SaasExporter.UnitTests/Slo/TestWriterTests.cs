using SaasExporter.Slo;

namespace SaasExporter.UnitTests.Slo;

public sealed class TestWriterTests
{
    [Fact]
    public void Encode_UsesPromtoolExpandingNotation()
    {
        Assert.Equal("1x2 0 1000+10x3", TestWriter.Encode([1, 1, 1, 0, 1000, 1010, 1020, 1030]));
    }
}
