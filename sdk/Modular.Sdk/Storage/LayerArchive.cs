using System.Formats.Tar;
using Modular.Sdk.Syscalls;

namespace Modular.Sdk.Storage;

/// <summary>
/// Extracts an uncompressed layer tar onto a directory, keeping ownership, modes (setuid, setgid and sticky included),
/// modification times, PAX xattrs (<c>SCHILY.xattr.*</c>, values byte for byte, binary ones included), hard links, symlinks, devices and FIFOs, and turning OCI
/// whiteouts into deletions or overlayfs whiteouts (see <see cref="WhiteoutMode"/>).
/// <para>Nothing is ever written outside the root: an entry with an absolute name, a name or hard link target that climbs
/// above the root, or a parent symlink that leads out of it is refused with <see cref="DriverErrorKind.InvalidArgument"/>.
/// Entries before the refused one stay applied; callers discard the layer.</para>
/// </summary>
public static class LayerArchive
{
    private const int SparseBlockSize = 64 * 1024;

    /// <summary>Applies the tar read from <paramref name="tar"/> onto <paramref name="root"/>, which must exist.</summary>
    /// <returns>The number of content bytes written: the sum of the sizes of the regular files extracted.</returns>
    public static long Apply(Stream tar, string root, WhiteoutMode mode)
    {
        var extraction = new Extraction(Path.GetFullPath(root), mode);
        // TarReader reads PAX values as text; the stream in between hands it xattrs in a form that survives that.
        using var archive = new PaxXattrReadStream(tar);
        using var reader = new TarReader(archive, leaveOpen: true);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                extraction.Apply(entry);
            }
        }
        catch (InvalidDataException e)
        {
            throw DriverException.InvalidArgument($"the layer is not a valid tar archive: {e.Message}");
        }
        catch (EndOfStreamException)
        {
            throw DriverException.InvalidArgument("the layer tar ends in the middle of an entry");
        }
        extraction.Finish();
        return extraction.Size;
    }

    private sealed class Extraction(string root, WhiteoutMode mode)
    {
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly HashSet<string> _whitedOut = new(StringComparer.Ordinal);
        private readonly List<(string Path, int Depth, UnixTime Time)> _directoryTimes = new();

        public long Size { get; private set; }

        public void Apply(TarEntry entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                return;
            }
            var components = RootedPath.Components(entry.Name);
            if (components.Count == 0)
            {
                return; // "./": the root itself belongs to the driver, not to the layer
            }
            var name = components[^1];
            var parentComponents = components.Take(components.Count - 1).ToList();
            var relativeParent = string.Join('/', parentComponents);

            if (name.StartsWith(Whiteouts.Prefix, StringComparison.Ordinal))
            {
                ApplyWhiteout(entry, parentComponents, relativeParent, name);
                return;
            }

            var parent = RootedPath.ResolveDirectory(root, parentComponents, createMissing: true, entry.Name)!;
            var path = Path.Join(parent, name);
            var relative = Relative(relativeParent, name);
            var isDirectory = entry.EntryType == TarEntryType.Directory;

            // Hard link targets are resolved before anything is removed, so "a" linking to "a" cannot destroy its own source.
            var linkSource = entry.EntryType == TarEntryType.HardLink ? ResolveHardLinkSource(entry) : null;

            if (LinuxSyscalls.TryLStat(path, out var existing) && !(existing.IsDirectory && isDirectory))
            {
                if (linkSource == path)
                {
                    return;
                }
                FileTree.RemoveAll(path);
            }

            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    WriteRegularFile(entry, path);
                    break;
                case TarEntryType.Directory:
                    if (!existing.IsDirectory)
                    {
                        Directory.CreateDirectory(path);
                    }
                    if (mode == WhiteoutMode.OverlayNative && _whitedOut.Contains(relative))
                    {
                        // This layer deleted the lower directory before making its own: nothing below may show through.
                        LinuxSyscalls.SetXattr(path, Whiteouts.OverlayOpaqueXattr, "y"u8);
                    }
                    break;
                case TarEntryType.SymbolicLink:
                    LinuxSyscalls.Symlink(entry.LinkName, path);
                    break;
                case TarEntryType.HardLink:
                    LinuxSyscalls.HardLink(linkSource!, path);
                    _written.Add(relative);
                    return; // the link shares its source's inode and metadata
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    MakeSpecialFile((PosixTarEntry)entry, path);
                    break;
                default:
                    throw DriverException.InvalidArgument($"layer entry \"{entry.Name}\" has unsupported type {entry.EntryType}");
            }
            _written.Add(relative);
            ApplyMetadata(entry, path, components.Count);
        }

        public void Finish()
        {
            // Deepest first: setting a directory's time must come after every change inside it.
            foreach (var (path, _, time) in _directoryTimes.OrderByDescending(d => d.Depth))
            {
                LinuxSyscalls.SetTimes(path, time, time);
            }
        }

        // Runs of zero blocks are skipped rather than written, so sparse files stay sparse (as GNU tar --sparse does).
        private void WriteRegularFile(TarEntry entry, string path)
        {
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (entry.DataStream is { } data)
                {
                    var block = new byte[SparseBlockSize];
                    int read;
                    while ((read = data.ReadAtLeast(block, block.Length, throwOnEndOfStream: false)) > 0)
                    {
                        if (block.AsSpan(0, read).ContainsAnyExcept((byte)0))
                        {
                            file.Write(block, 0, read);
                        }
                        else
                        {
                            file.Seek(read, SeekOrigin.Current);
                        }
                    }
                    file.SetLength(file.Position);
                }
            }
            Size += entry.Length;
        }

        private static void MakeSpecialFile(PosixTarEntry entry, string path)
        {
            var (type, device) = entry.EntryType switch
            {
                TarEntryType.CharacterDevice => (FileStatus.TypeCharDevice, LinuxSyscalls.MakeDevice((uint)entry.DeviceMajor, (uint)entry.DeviceMinor)),
                TarEntryType.BlockDevice => (FileStatus.TypeBlockDevice, LinuxSyscalls.MakeDevice((uint)entry.DeviceMajor, (uint)entry.DeviceMinor)),
                _ => (FileStatus.TypeFifo, 0UL),
            };
            LinuxSyscalls.MakeNode(path, type | ((uint)entry.Mode & 0x1FF), device);
        }

        private void ApplyMetadata(TarEntry entry, string path, int depth)
        {
            var isSymlink = entry.EntryType == TarEntryType.SymbolicLink;
            LinuxSyscalls.LChown(path, (uint)entry.Uid, (uint)entry.Gid);
            if (!isSymlink)
            {
                // After chown, which clears setuid and setgid.
                LinuxSyscalls.ChangeMode(path, (uint)entry.Mode);
            }
            if (entry is PaxTarEntry pax)
            {
                foreach (var (key, text) in pax.ExtendedAttributes)
                {
                    if (!BinaryXattrRecords.TryDecode(key, text, out var xattr, out var value))
                    {
                        continue;
                    }
                    if (mode == WhiteoutMode.OverlayNative && xattr.StartsWith(Whiteouts.OverlayXattrPrefix, StringComparison.Ordinal))
                    {
                        continue; // a layer must not steer overlayfs (redirects, metacopy) behind the driver's back
                    }
                    SetXattr(entry, path, xattr, value);
                }
            }
            var time = UnixTime.From(entry.ModificationTime);
            if (entry.EntryType == TarEntryType.Directory)
            {
                _directoryTimes.Add((path, depth, time));
            }
            else
            {
                LinuxSyscalls.SetTimes(path, time, time);
            }
        }

        // The kernel's refusal keeps its kind (EINVAL: InvalidArgument, EOPNOTSUPP: NotSupported); the message names the
        // layer entry and attribute, which the host path of the failed call alone does not tell the user.
        private static void SetXattr(TarEntry entry, string path, string xattr, byte[] value)
        {
            try
            {
                LinuxSyscalls.SetXattr(path, xattr, value);
            }
            catch (SyscallException e)
            {
                throw new DriverException(e.Kind,
                    $"layer entry \"{entry.Name}\": cannot set xattr {xattr} ({value.Length} bytes): {e.Message}", e);
            }
        }

        private string ResolveHardLinkSource(TarEntry entry)
        {
            var target = RootedPath.Components(entry.LinkName);
            if (target.Count == 0)
            {
                throw DriverException.InvalidArgument($"hard link \"{entry.Name}\" points at the layer root");
            }
            var directory = RootedPath.ResolveDirectory(root, target.Take(target.Count - 1), createMissing: false, entry.Name)
                ?? throw DriverException.InvalidArgument($"hard link \"{entry.Name}\" points at missing \"{entry.LinkName}\"");
            var source = Path.Join(directory, target[^1]);
            if (!LinuxSyscalls.TryLStat(source, out var status))
            {
                throw DriverException.InvalidArgument($"hard link \"{entry.Name}\" points at missing \"{entry.LinkName}\"");
            }
            if (status.IsDirectory)
            {
                throw DriverException.InvalidArgument($"hard link \"{entry.Name}\" points at directory \"{entry.LinkName}\"");
            }
            return source;
        }

        private void ApplyWhiteout(TarEntry entry, List<string> parentComponents, string relativeParent, string name)
        {
            if (name == Whiteouts.OpaqueMarker)
            {
                var directory = RootedPath.ResolveDirectory(root, parentComponents, createMissing: true, entry.Name)!;
                if (mode == WhiteoutMode.OverlayNative)
                {
                    LinuxSyscalls.SetXattr(directory, Whiteouts.OverlayOpaqueXattr, "y"u8);
                }
                else
                {
                    RemoveNotWritten(directory, relativeParent);
                }
                return;
            }
            if (name.StartsWith(Whiteouts.MetaPrefix, StringComparison.Ordinal))
            {
                return;
            }
            var hidden = name[Whiteouts.Prefix.Length..];
            if (hidden is "" or "." or "..")
            {
                throw DriverException.InvalidArgument($"layer entry \"{entry.Name}\" is not a valid whiteout");
            }
            if (_written.Contains(Relative(relativeParent, hidden)))
            {
                return; // this layer itself put something there; the whiteout only hides lower layers
            }
            if (mode == WhiteoutMode.OverlayNative)
            {
                var parent = RootedPath.ResolveDirectory(root, parentComponents, createMissing: true, entry.Name)!;
                var path = Path.Join(parent, hidden);
                FileTree.RemoveAll(path);
                LinuxSyscalls.MakeNode(path, FileStatus.TypeCharDevice, 0);
                LinuxSyscalls.LChown(path, (uint)entry.Uid, (uint)entry.Gid);
                _whitedOut.Add(Relative(relativeParent, hidden));
            }
            else if (RootedPath.ResolveDirectory(root, parentComponents, createMissing: false, entry.Name) is { } parent)
            {
                FileTree.RemoveAll(Path.Join(parent, hidden));
            }
        }

        // An opaque directory keeps what this layer wrote into it and loses everything that came from below.
        private void RemoveNotWritten(string directory, string relativeDirectory)
        {
            foreach (var child in FileTree.ChildNames(directory))
            {
                var relative = Relative(relativeDirectory, child);
                var path = Path.Join(directory, child);
                if (!_written.Contains(relative))
                {
                    FileTree.RemoveAll(path);
                }
                else if (LinuxSyscalls.TryLStat(path, out var status) && status.IsDirectory)
                {
                    RemoveNotWritten(path, relative);
                }
            }
        }

        private static string Relative(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;
    }
}
