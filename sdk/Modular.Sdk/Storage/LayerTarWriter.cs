using System.Formats.Tar;
using Modular.Sdk.Syscalls;

namespace Modular.Sdk.Storage;

/// <summary>
/// Writes filesystem nodes into a layer tar in OCI form: PAX headers with ownership, full mode, nanosecond-free
/// modification time, xattrs as <c>SCHILY.xattr.*</c>, and a hard link entry for every later path of an inode already
/// written. Whiteouts are written as empty <c>.wh.NAME</c> files.
/// <para>xattr values are written as their raw bytes, binary ones included; TarWriter only takes text, so it writes them
/// in an intermediate form that a stream between it and the output turns into raw bytes (see <see cref="BinaryXattrRecords"/>).</para>
/// </summary>
public sealed class LayerTarWriter : IDisposable
{
    private readonly PaxXattrWriteStream _archive;
    private readonly TarWriter _writer;
    private readonly Dictionary<(ulong Device, ulong Inode), string> _writtenInodes = new();
    private bool _wroteEntries;
    private bool _disposed;

    /// <summary>Starts a tar on <paramref name="output"/>, which is left open on dispose.</summary>
    public LayerTarWriter(Stream output)
    {
        _archive = new PaxXattrWriteStream(output);
        _writer = new TarWriter(_archive, TarEntryFormat.Pax, leaveOpen: true);
    }

    /// <summary>
    /// Adds the node at <paramref name="hostPath"/> as <paramref name="relativePath"/> (no leading slash).
    /// Sockets are skipped, as tar cannot hold them. Overlayfs' own xattrs are never exported.
    /// </summary>
    /// <returns>The number of content bytes written (0 for anything but a regular file written in full).</returns>
    public long AddNode(string hostPath, string relativePath)
    {
        var status = LinuxSyscalls.LStat(hostPath);
        if (status.Type == FileStatus.TypeSocket)
        {
            return 0;
        }
        if (status.IsRegularFile && status.LinkCount > 1)
        {
            if (_writtenInodes.TryGetValue((status.Device, status.Inode), out var first))
            {
                Write(NewEntry(TarEntryType.HardLink, relativePath, status, hostPath, linkName: first));
                return 0;
            }
            _writtenInodes[(status.Device, status.Inode)] = relativePath;
        }

        var type = status.Type switch
        {
            FileStatus.TypeDirectory => TarEntryType.Directory,
            FileStatus.TypeRegular => TarEntryType.RegularFile,
            FileStatus.TypeSymlink => TarEntryType.SymbolicLink,
            FileStatus.TypeCharDevice => TarEntryType.CharacterDevice,
            FileStatus.TypeBlockDevice => TarEntryType.BlockDevice,
            _ => TarEntryType.Fifo,
        };
        var name = type == TarEntryType.Directory ? relativePath.TrimEnd('/') + "/" : relativePath;
        var entry = NewEntry(type, name, status, hostPath, status.IsSymlink ? LinuxSyscalls.ReadLink(hostPath) : null);
        if (status.IsDevice)
        {
            entry.DeviceMajor = (int)LinuxSyscalls.Major(status.SpecialDevice);
            entry.DeviceMinor = (int)LinuxSyscalls.Minor(status.SpecialDevice);
        }
        if (!status.IsRegularFile)
        {
            Write(entry);
            return 0;
        }
        using var content = new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        entry.DataStream = content;
        Write(entry);
        return content.Length;
    }

    /// <summary>Adds a whiteout deleting <paramref name="relativePath"/> from the layers below.</summary>
    public void AddWhiteout(string relativePath, DateTimeOffset modificationTime)
    {
        var slash = relativePath.LastIndexOf('/');
        var name = slash < 0
            ? Whiteouts.Prefix + relativePath
            : relativePath[..(slash + 1)] + Whiteouts.Prefix + relativePath[(slash + 1)..];
        AddEmptyFile(name, modificationTime);
    }

    /// <summary>Adds the marker that makes <paramref name="relativeDirectory"/> opaque.</summary>
    public void AddOpaqueMarker(string relativeDirectory, DateTimeOffset modificationTime) =>
        AddEmptyFile(relativeDirectory.TrimEnd('/') + "/" + Whiteouts.OpaqueMarker, modificationTime);

    /// <summary>Writes the tar's end blocks, an empty tar's too.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _writer.Dispose();
        if (!_wroteEntries)
        {
            // TarWriter ends only tars it wrote entries to; an empty layer is the two zero blocks, as Docker's is.
            _archive.Write(new byte[1024]);
        }
        _archive.Dispose();
    }

    private void Write(TarEntry entry)
    {
        _writer.WriteEntry(entry);
        _wroteEntries = true;
    }

    private void AddEmptyFile(string name, DateTimeOffset modificationTime)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = 0,
            Uid = 0,
            Gid = 0,
            ModificationTime = modificationTime,
        };
        Write(entry);
    }

    private static PaxTarEntry NewEntry(TarEntryType type, string name, FileStatus status, string hostPath, string? linkName)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (xattr, value) in FileTree.ReadXattrs(hostPath))
        {
            if (!xattr.StartsWith(Whiteouts.OverlayXattrPrefix, StringComparison.Ordinal))
            {
                attributes[BinaryXattrRecords.DotNetKey(xattr)] = BinaryXattrRecords.DotNetValue(value);
            }
        }
        var entry = new PaxTarEntry(type, name, attributes)
        {
            Mode = (UnixFileMode)status.Permissions,
            Uid = (int)status.Uid,
            Gid = (int)status.Gid,
            ModificationTime = status.ModificationTime.ToDateTimeOffset(),
        };
        if (linkName is not null)
        {
            entry.LinkName = linkName;
        }
        return entry;
    }
}
