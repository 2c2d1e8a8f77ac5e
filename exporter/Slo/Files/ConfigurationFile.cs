using System.Runtime.InteropServices;
using System.Text;

namespace SaasExporter.Files;

/// <summary>
/// Reads a file whose path came from configuration (custom collectors file, web config file, OpenSLO files): it must be
/// a regular file of at most <see cref="MaxBytes"/>. A FIFO would block the open forever and /dev/zero would read until
/// memory runs out, so the type is checked before opening and the read stops one byte past the cap.
/// </summary>
public static partial class ConfigurationFile
{
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The text of <paramref name="path"/>, or an error <c>path: cannot read the {what}: reason</c>.</summary>
    public static bool TryReadText(string path, string what, out string text, out string error)
    {
        var reason = Read(path, out text);
        error = reason is null ? "" : $"{path}: cannot read the {what}: {reason}";
        return reason is null;
    }

    /// <summary>Null and the text of <paramref name="path"/>, or why it cannot be read (one line).</summary>
    public static string? Read(string path, out string text)
    {
        text = "";
        if (Directory.Exists(path))
        {
            return "it is a directory";
        }

        if (Kind(path) is { } kind && kind != RegularFile)
        {
            return $"it is not a regular file (it is a {KindName(kind)})";
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
            var buffer = new byte[MaxBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }

            if (length > MaxBytes)
            {
                return $"it is larger than {MaxBytes / 1024 / 1024} MiB";
            }

            using var reader = new StreamReader(new MemoryStream(buffer, 0, length), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message.Split('\n')[0].Trim();
        }
    }

    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    private static string KindName(int kind) => kind switch
    {
        0x1000 => "FIFO",
        0x2000 => "character device",
        0x6000 => "block device",
        0xC000 => "socket",
        _ => "special file",
    };

    /// <summary>The S_IFMT bits of the file <paramref name="path"/> names (links followed), or null when unknown (Windows, no such file).</summary>
    private static int? Kind(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var status = default(FileStatus);
        return Stat(path, ref status) == 0 ? status.Mode & TypeMask : null;
    }

    /// <summary>The head of the runtime's own FileStatus (System.Native pal_io.h): Flags, then Mode with the S_IFMT bits.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
    }

    // The runtime's portable stat (the one File and Directory use), so no per-architecture struct stat layout is needed.
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref FileStatus output);
}
