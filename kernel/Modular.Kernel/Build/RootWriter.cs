using Modular.Kernel.Containers.Archive;
using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Build;

/// <summary>
/// Writes COPY/ADD sources into a mounted build layer. Container paths resolve inside the layer's root (symlinks in
/// the image are followed there, never out of it); an existing symlink in the place of a written file is replaced,
/// not followed. New directories get mode 0755 and the step's owner, as Docker's copier makes them.
/// </summary>
public sealed class RootWriter(string rootfs, (uint Uid, uint Gid) owner, UnixFileMode? chmod)
{
    public void Write(CopySource source)
    {
        switch (source)
        {
            case CopySource.File file:
                WriteFile(file.HostPath, file.Target);
                break;
            case CopySource.Directory directory:
                CopyDirectory(directory.HostPath, directory.Target);
                break;
            case CopySource.Symlink link:
                var linkPath = PrepareTarget(link.Target);
                LinuxSyscalls.Symlink(link.LinkTarget, linkPath);
                LinuxSyscalls.LChown(linkPath, owner.Uid, owner.Gid);
                break;
            case CopySource.Content content:
                var path = PrepareTarget(content.Target);
                File.WriteAllBytes(path, content.Bytes);
                Finish(path, chmod ?? content.Mode, content.ModifiedAt);
                break;
            case CopySource.Archive archive:
                ExtractArchive(archive.HostPath, archive.Target);
                break;
        }
    }

    /// <summary>Creates the container directory and its missing parents; returns its host path.</summary>
    public string EnsureDirectory(string containerPath)
    {
        var current = "/";
        foreach (var part in containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current == "/" ? "/" + part : current + "/" + part;
            var host = RootedPath.Resolve(rootfs, current, followFinal: true);
            if (Directory.Exists(host))
            {
                continue;
            }
            if (File.Exists(host))
            {
                throw DriverException.InvalidArgument($"failed to copy files: mkdir {current}: not a directory");
            }
            Directory.CreateDirectory(host);
            File.SetUnixFileMode(host, (UnixFileMode)0b111_101_101);
            LinuxSyscalls.LChown(host, owner.Uid, owner.Gid);
        }
        return RootedPath.Resolve(rootfs, containerPath, followFinal: true);
    }

    private void WriteFile(string hostSource, string target)
    {
        var path = PrepareTarget(target);
        File.Copy(hostSource, path);
        Finish(path, chmod ?? File.GetUnixFileMode(hostSource), File.GetLastWriteTimeUtc(hostSource));
    }

    private void CopyDirectory(string hostSource, string target)
    {
        // The target folder itself keeps its mode and owner (a new one gets 0755): only the contents are copied.
        CopyContents(hostSource, EnsureDirectory(target));
    }

    private void CopyContents(string hostSource, string hostTarget)
    {
        foreach (var entry in new DirectoryInfo(hostSource).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(hostTarget, entry.Name);
            if (entry.LinkTarget is { } linkTarget)
            {
                RemoveNonDirectory(destination);
                LinuxSyscalls.Symlink(linkTarget, destination);
                LinuxSyscalls.LChown(destination, owner.Uid, owner.Gid);
            }
            else if (entry is DirectoryInfo)
            {
                if (new FileInfo(destination).LinkTarget is not null || File.Exists(destination))
                {
                    File.Delete(destination);
                }
                Directory.CreateDirectory(destination);
                CopyContents(entry.FullName, destination);
                Finish(destination, chmod ?? entry.UnixFileMode, entry.LastWriteTimeUtc);
            }
            else
            {
                RemoveNonDirectory(destination);
                File.Copy(entry.FullName, destination);
                Finish(destination, chmod ?? entry.UnixFileMode, entry.LastWriteTimeUtc);
            }
        }
    }

    private void ExtractArchive(string hostArchive, string target)
    {
        var hostTarget = EnsureDirectory(target);
        using var handle = ScopedOpen.OpenRoot(hostTarget);
        using var file = File.OpenRead(hostArchive);
        using var tar = Decompress(file);
        var extractOwner = owner == (0u, 0u) ? ((uint, uint)?)null : owner;
        new ArchiveExtractor(handle, target, new ExtractOptions(false, extractOwner)).Extract(tar);
    }

    /// <summary>Whether ADD extracts this file: a plain tar ("ustar" at 257) or a gzip stream holding one.</summary>
    public static bool IsArchive(string hostPath)
    {
        try
        {
            using var file = File.OpenRead(hostPath);
            using var tar = Decompress(file);
            var header = new byte[512];
            var length = 0;
            int read;
            while (length < header.Length && (read = tar.Read(header, length, header.Length - length)) > 0)
            {
                length += read;
            }
            return length == 512 && header.AsSpan(257, 5).SequenceEqual("ustar"u8);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static Stream Decompress(FileStream file)
    {
        var magic = new byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b
            ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true)
            : file;
    }

    /// <summary>Creates the parent directory of a file target and clears the place (a symlink there is removed, not followed).</summary>
    private string PrepareTarget(string target)
    {
        var parent = ContainerParent(target);
        var hostParent = EnsureDirectory(parent);
        var path = Path.Combine(hostParent, Path.GetFileName(target.TrimEnd('/')));
        if (Directory.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            throw DriverException.InvalidArgument($"cannot replace directory {target} with a file");
        }
        RemoveNonDirectory(path);
        return path;
    }

    private static void RemoveNonDirectory(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists || info.LinkTarget is not null)
        {
            info.Delete();
        }
    }

    private void Finish(string path, UnixFileMode mode, DateTimeOffset? modifiedAt)
    {
        LinuxSyscalls.LChown(path, owner.Uid, owner.Gid);
        File.SetUnixFileMode(path, mode);
        if (modifiedAt is { } time)
        {
            File.SetLastWriteTimeUtc(path, time.UtcDateTime);
        }
    }

    public static string ContainerParent(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }
}
