using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Tests.Storage;

/// <summary>A temporary folder with a layer root and a sibling "outside" folder that nothing may ever touch.</summary>
public sealed class TemporaryTree : IDisposable
{
    public TemporaryTree()
    {
        Folder = Directory.CreateTempSubdirectory("modular-sdk-tests-").FullName;
        Root = Directory.CreateDirectory(Path.Join(Folder, "root")).FullName;
        Outside = Directory.CreateDirectory(Path.Join(Folder, "outside")).FullName;
    }

    public string Folder { get; }

    public string Root { get; }

    public string Outside { get; }

    public string At(string relative) => Path.Join(Root, relative);

    public static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: ownership, device nodes and trusted.* xattrs");
        }
    }

    public static FileStatus Stat(string path) => LinuxSyscalls.LStat(path);

    public void Dispose() => FileTree.RemoveAll(Folder);
}
