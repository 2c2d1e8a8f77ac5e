using System.Security.Cryptography;
using System.Text;

namespace SaasExporter.Incremental;

/// <summary>
/// The activity index on local disk (EventMetrics:SnapshotPath). Layout: 8 magic bytes, the format version (int32), the
/// payload's length (int64), the payload (<see cref="SnapshotHeader"/>, then the index) and its SHA-256. Written to a
/// temporary file in the same directory, flushed to disk, then renamed over the snapshot, so a process killed while
/// writing leaves the previous snapshot whole. A reader checks everything before it trusts a byte of the payload.
/// </summary>
internal static class IndexSnapshotFile
{
    /// <summary>Raised whenever the layout of the payload changes: a snapshot of another version is outdated.</summary>
    public const int FormatVersion = 2;

    private const int PrefixLength = 8 + 4 + 8;
    private const int LengthOffset = 8 + 4;
    private const int HashLength = 32;
    private const int BufferSize = 1 << 16;

    private static ReadOnlySpan<byte> Magic => "SXINDEX\n"u8;

    public static string TemporaryPath(string path) => path + ".tmp";

    /// <summary>Writes the snapshot atomically; returns its size in bytes.</summary>
    public static long Write(string path, SnapshotHeader header, ActivityIndex index)
    {
        var temporary = TemporaryPath(path);
        long size;
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, BufferSize))
        {
            file.Write(Magic);
            using var prefix = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
            prefix.Write(FormatVersion);
            prefix.Write(0L);
            prefix.Flush();
            using var sha = SHA256.Create();
            // Disposing the buffer flushes it into the hashing stream and ends it (FlushFinalBlock); the file stays open.
            using (var buffered = new BufferedStream(new CryptoStream(file, sha, CryptoStreamMode.Write, leaveOpen: true), BufferSize))
            using (var writer = new BinaryWriter(buffered, Encoding.UTF8, leaveOpen: true))
            {
                header.WriteTo(writer);
                index.WriteTo(writer);
            }

            var length = file.Position - PrefixLength;
            file.Write(sha.Hash);
            size = file.Position;
            file.Position = LengthOffset;
            prefix.Write(length);
            prefix.Flush();
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return size;
    }

    /// <summary>
    /// The snapshot at <paramref name="path"/> if it can serve where <paramref name="expected"/> holds at
    /// <paramref name="now"/>; otherwise null and why not (missing, truncated, corrupt, foreign, outdated).
    /// </summary>
    public static (ActivityIndex? Index, SnapshotHeader? Header, string? Rejected) TryRead(string path, SnapshotHeader expected, DateTimeOffset now)
    {
        if (!File.Exists(path))
        {
            return (null, null, "missing: no file there yet");
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
            using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
            if (file.Length < PrefixLength + HashLength)
            {
                return (null, null, $"truncated: {file.Length} bytes, shorter than any snapshot");
            }

            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                return (null, null, "corrupt: not an activity index snapshot (wrong magic bytes)");
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                return (null, null, $"outdated: format version {version}, this exporter reads {FormatVersion}");
            }

            var length = reader.ReadInt64();
            if (length == 0 || file.Length != PrefixLength + length + HashLength)
            {
                return (null, null, $"truncated: {file.Length} bytes where its header announces {PrefixLength + length + HashLength}");
            }

            if (!Checksum(file, length).SequenceEqual(reader.ReadBytes(HashLength)))
            {
                return (null, null, "corrupt: checksum mismatch");
            }

            file.Position = PrefixLength;
            using var buffered = new BufferedStream(file, BufferSize);
            using var payload = new BinaryReader(buffered, Encoding.UTF8, leaveOpen: true);
            var header = SnapshotHeader.ReadFrom(payload);
            if (header.Mismatch(expected) is { } mismatch)
            {
                return (null, header, mismatch);
            }

            var index = ActivityIndex.ReadFrom(payload);
            return index.Watermark > now
                ? (null, header, $"outdated: its watermark {index.Watermark:O} is after the evaluation instant {now:O}")
                : (index, header, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or ArgumentException or OverflowException)
        {
            return (null, null, $"unreadable: {e.Message}");
        }
    }

    /// <summary>SHA-256 of the payload; leaves the stream at the stored hash.</summary>
    private static byte[] Checksum(FileStream file, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        for (var left = length; left > 0;)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new EndOfStreamException("the payload ends early");
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        return hash.GetHashAndReset();
    }
}
