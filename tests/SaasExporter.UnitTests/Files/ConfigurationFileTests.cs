using System.Diagnostics;
using SaasExporter.Files;

namespace SaasExporter.UnitTests.Files;

public sealed class ConfigurationFileTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("configuration-file-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Read_RegularFile_GivesItsText()
    {
        var path = Path.Combine(_directory.FullName, "a.yml");
        File.WriteAllText(path, "collectors: []\n");

        Assert.Null(ConfigurationFile.Read(path, out var text));
        Assert.Equal("collectors: []\n", text);
    }

    [Fact]
    public void Read_FileOfExactlyTheCap_IsRead()
    {
        var path = Path.Combine(_directory.FullName, "full.yml");
        File.WriteAllText(path, new string('x', ConfigurationFile.MaxBytes));

        Assert.Null(ConfigurationFile.Read(path, out var text));
        Assert.Equal(ConfigurationFile.MaxBytes, text.Length);
    }

    [Fact]
    public void Read_FileOneByteOverTheCap_IsRefused()
    {
        var path = Path.Combine(_directory.FullName, "large.yml");
        File.WriteAllText(path, new string('x', ConfigurationFile.MaxBytes + 1));

        Assert.Equal("it is larger than 1 MiB", ConfigurationFile.Read(path, out _));
    }

    [Fact]
    public void Read_DevZero_IsRefusedAsACharacterDevice() =>
        Assert.Equal("it is not a regular file (it is a character device)", ConfigurationFile.Read("/dev/zero", out _));

    [Fact]
    public async Task Read_Fifo_IsRefusedWithoutBlocking()
    {
        var path = Path.Combine(_directory.FullName, "fifo");
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var reason = await Task.Run(() => ConfigurationFile.Read(path, out _)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("it is not a regular file (it is a FIFO)", reason);
    }

    [Fact]
    public void TryReadText_MissingFile_NamesWhatAndPath()
    {
        Assert.False(ConfigurationFile.TryReadText("/nonexistent/x.yml", "web config file", out _, out var error));
        Assert.Equal("/nonexistent/x.yml: cannot read the web config file: Could not find a part of the path '/nonexistent/x.yml'.", error);
    }
}
