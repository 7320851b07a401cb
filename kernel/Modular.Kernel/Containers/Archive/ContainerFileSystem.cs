using Microsoft.Win32.SafeHandles;
using Modular.Sdk;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Containers.Archive;

/// <summary>
/// A container's root filesystem seen the way a process inside it sees it: paths resolve with the rootfs as "/"
/// (absolute symlinks and <c>..</c> never leave it), which the kernel enforces through <c>openat2(RESOLVE_IN_ROOT)</c>.
/// Everything after the lookup works on descriptors, so a running container cannot redirect us with a swapped path.
/// </summary>
public sealed class ContainerFileSystem : IDisposable
{
    private readonly SafeFileHandle _root;
    private readonly string _rootRealPath;

    /// <param name="rootfs">The host path of the mounted root filesystem.</param>
    public ContainerFileSystem(string rootfs)
    {
        _root = ScopedOpen.OpenRoot(rootfs);
        _rootRealPath = LinuxSyscalls.ReadLink(ScopedOpen.ProcPath(_root));
    }

    /// <summary>Stats a container path without following its last component (unless it ends in "/" or "/."); null when missing.</summary>
    public ContainerPathStat? Stat(string path)
    {
        using var found = Find(path);
        return found?.Stat;
    }

    /// <summary>Finds a container path for archiving; null when missing. The caller disposes the result.</summary>
    public FoundPath? Find(string path)
    {
        var clean = ContainerPaths.Clean(path);
        var baseName = ContainerPaths.BaseName(path, clean);
        if (clean == "/" || ContainerPaths.NamesDirectory(path))
        {
            var directory = OpenInRoot(clean, ScopedOpen.PathOnly | ScopedOpen.Directory);
            if (directory is null)
            {
                return null;
            }
            var status = ScopedOpen.Status(directory);
            return new FoundPath(directory, ".", status, ContainerPathStat.From(baseName, status, ""));
        }

        var (parentPath, name) = ContainerPaths.Split(clean);
        var parent = OpenInRoot(parentPath, ScopedOpen.PathOnly | ScopedOpen.Directory);
        if (parent is null)
        {
            return null;
        }
        if (!LinuxSyscalls.TryLStat(FoundPath.ChildPath(parent, name), out var entry))
        {
            parent.Dispose();
            return null;
        }
        var linkTarget = entry.IsSymlink ? ResolveLink(clean, parentPath, FoundPath.ChildPath(parent, name)) : "";
        return new FoundPath(parent, name, entry, ContainerPathStat.From(baseName, entry, linkTarget));
    }

    /// <summary>Opens a directory of the container for extraction, following every symlink on the way (inside the root).</summary>
    public SafeFileHandle? OpenDirectory(string path, out FileStatus status)
    {
        var handle = OpenInRoot(ContainerPaths.Clean(path), ScopedOpen.PathOnly);
        status = handle is null ? default : ScopedOpen.Status(handle);
        return handle;
    }

    public void Dispose() => _root.Dispose();

    // A missing component, or a file where a directory is needed, both mean "no such path" to docker cp.
    private SafeFileHandle? OpenInRoot(string clean, int flags)
    {
        var handle = ScopedOpen.TryOpen(_root, clean.TrimStart('/'), flags, Scope.InRoot, out var error);
        return handle is not null || error is Errno.ENOENT or Errno.ENOTDIR
            ? handle
            : throw new SyscallException("openat2", clean, error);
    }

    // moby reports where a symlink finally leads, as a container path; for a dangling link, as far as it resolves.
    private string ResolveLink(string clean, string parentPath, string linkPath)
    {
        using var target = OpenInRoot(clean, ScopedOpen.PathOnly);
        if (target is not null)
        {
            var host = LinuxSyscalls.ReadLink(ScopedOpen.ProcPath(target));
            if (host == _rootRealPath)
            {
                return "/";
            }
            if (host.StartsWith(_rootRealPath + "/", StringComparison.Ordinal))
            {
                return host[_rootRealPath.Length..];
            }
        }
        var stored = LinuxSyscalls.ReadLink(linkPath);
        return ContainerPaths.Clean(stored.StartsWith('/') ? stored : parentPath + "/" + stored);
    }
}

/// <summary>
/// A path found in a container: the directory holding it (as a descriptor) and its name there, or "." when the path
/// names that directory itself.
/// </summary>
public sealed class FoundPath(SafeFileHandle parent, string name, FileStatus status, ContainerPathStat stat) : IDisposable
{
    public SafeFileHandle Parent { get; } = parent;
    public string Name { get; } = name;
    public FileStatus Status { get; } = status;
    public ContainerPathStat Stat { get; } = stat;

    /// <summary>The path of entry <paramref name="name"/> of the directory held by <paramref name="directory"/>, valid while it stays open.</summary>
    public static string ChildPath(SafeFileHandle directory, string name) => ScopedOpen.ProcPath(directory) + "/" + name;

    public void Dispose() => Parent.Dispose();
}
