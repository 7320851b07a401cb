using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;

namespace Modular.Sdk.Conformance.Storage;

/// <summary>
/// File operations as a process inside a container makes them on a mounted layer: explicit modes (so the test's umask
/// plays no part), and renames that fall back to copy-and-delete when the kernel answers EXDEV, as <c>mv</c> does
/// (overlayfs without <c>redirect_dir</c> refuses to rename a directory that comes from a lower layer).
/// </summary>
internal static class ContainerFileOperations
{
    public static void WriteFile(string path, string content, uint mode = 0x1A4 /* 0644 */)
    {
        File.WriteAllText(path, content);
        LinuxSyscalls.ChangeMode(path, mode);
    }

    public static void MakeDirectory(string path, uint mode = 0x1ED /* 0755 */)
    {
        Directory.CreateDirectory(path);
        LinuxSyscalls.ChangeMode(path, mode);
    }

    public static void Rename(string source, string destination)
    {
        var isDirectory = LinuxSyscalls.LStat(source).IsDirectory;
        try
        {
            if (isDirectory)
            {
                Directory.Move(source, destination);
            }
            else
            {
                File.Move(source, destination, overwrite: true);
            }
            return;
        }
        catch (IOException) when (isDirectory && Directory.Exists(source) && !LinuxSyscalls.TryLStat(destination, out _))
        {
            // EXDEV: copy the tree and delete the original, as mv(1) does.
        }
        CopyTree(source, destination);
        FileTree.RemoveAll(source);
    }

    private static void CopyTree(string source, string destination)
    {
        var status = LinuxSyscalls.LStat(source);
        if (status.IsDirectory)
        {
            Directory.CreateDirectory(destination);
            foreach (var name in FileTree.ChildNames(source))
            {
                CopyTree(Path.Join(source, name), Path.Join(destination, name));
            }
        }
        else if (status.IsSymlink)
        {
            LinuxSyscalls.Symlink(LinuxSyscalls.ReadLink(source), destination);
        }
        else if (status.IsRegularFile)
        {
            File.Copy(source, destination);
        }
        else
        {
            LinuxSyscalls.MakeNode(destination, status.Type | (status.Permissions & 0x1FF), status.SpecialDevice);
        }
        LinuxSyscalls.LChown(destination, status.Uid, status.Gid);
        if (!status.IsSymlink)
        {
            LinuxSyscalls.ChangeMode(destination, status.Permissions);
        }
        foreach (var (name, value) in FileTree.ReadXattrs(source))
        {
            LinuxSyscalls.SetXattr(destination, name, value);
        }
        LinuxSyscalls.SetTimes(destination, status.AccessTime, status.ModificationTime);
    }
}
