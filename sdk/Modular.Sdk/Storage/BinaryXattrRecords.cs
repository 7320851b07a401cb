using System.Text;

namespace Modular.Sdk.Storage;

/// <summary>
/// Carries xattr values byte for byte past System.Formats.Tar, whose PAX support is text-only: its reader decodes every
/// record value as UTF-8 (lossy for binary values, and it cuts records at the first newline byte) and its writer takes
/// strings. Layer tars hold xattrs as <c>SCHILY.xattr.NAME=RAW BYTES</c> (Docker, containerd, GNU tar). Between the
/// archive and .NET the same xattr travels as <c>MODULAR.xattr.base64.NAME=BASE64</c>, a key no archive uses:
/// <see cref="PaxXattrReadStream"/> turns archive records into that form before TarReader sees them, and
/// <see cref="PaxXattrWriteStream"/> turns that form back into archive records after TarWriter wrote them.
/// </summary>
internal static class BinaryXattrRecords
{
    private const string ArchivePrefix = "SCHILY.xattr.";
    private const string DotNetPrefix = "MODULAR.xattr.base64.";

    private static ReadOnlySpan<byte> ArchivePrefixBytes => "SCHILY.xattr."u8;

    private static ReadOnlySpan<byte> DotNetPrefixBytes => "MODULAR.xattr.base64."u8;

    /// <summary>The extended attribute key under which a TarWriter entry carries <paramref name="xattr"/>.</summary>
    public static string DotNetKey(string xattr) => DotNetPrefix + xattr;

    /// <summary>The value a TarWriter entry carries for an xattr holding <paramref name="value"/>.</summary>
    public static string DotNetValue(ReadOnlySpan<byte> value) => Convert.ToBase64String(value);

    /// <summary>Reads back an xattr from an extended attribute of an entry TarReader returned.</summary>
    public static bool TryDecode(string key, string value, out string xattr, out byte[] bytes)
    {
        if (!key.StartsWith(DotNetPrefix, StringComparison.Ordinal))
        {
            (xattr, bytes) = ("", []);
            return false;
        }
        xattr = key[DotNetPrefix.Length..];
        bytes = Convert.FromBase64String(value); // only PaxXattrReadStream writes these keys, always as valid base64
        return true;
    }

    /// <summary>
    /// Rewrites the records of an archive's extended header for TarReader, or returns null when nothing changes.
    /// Records already in the .NET form are dropped: that name space is ours, an archive may not fill it.
    /// </summary>
    public static byte[]? ToDotNet(List<PaxRecord> records) =>
        Rewrite(records, record =>
            record.Key.AsSpan().StartsWith(ArchivePrefixBytes)
                ? new PaxRecord(Rename(record.Key, ArchivePrefixBytes, DotNetPrefixBytes), Encoding.ASCII.GetBytes(Convert.ToBase64String(record.Value)))
                : record.Key.AsSpan().StartsWith(DotNetPrefixBytes) ? null : record);

    /// <summary>Rewrites the records of an extended header TarWriter wrote into archive form, or returns null when nothing changes.</summary>
    public static byte[]? ToArchive(List<PaxRecord> records) =>
        Rewrite(records, record =>
            record.Key.AsSpan().StartsWith(DotNetPrefixBytes)
                ? new PaxRecord(Rename(record.Key, DotNetPrefixBytes, ArchivePrefixBytes), Convert.FromBase64String(Encoding.ASCII.GetString(record.Value)))
                : record);

    private static byte[]? Rewrite(List<PaxRecord> records, Func<PaxRecord, PaxRecord?> rewrite)
    {
        var changed = false;
        using var output = new MemoryStream();
        foreach (var record in records)
        {
            var rewritten = rewrite(record);
            changed |= rewritten != record;
            if (rewritten is { } kept)
            {
                PaxRecords.Write(output, kept.Key, kept.Value);
            }
        }
        return changed ? output.ToArray() : null;
    }

    private static byte[] Rename(byte[] key, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to) => [.. to, .. key.AsSpan(from.Length)];
}
