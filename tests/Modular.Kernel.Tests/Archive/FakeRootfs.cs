using Modular.Kernel.Tests.Containers;

namespace Modular.Kernel.Tests.Archive;

/// <summary>
/// A container-like root filesystem in a temp folder, with symlinks that would reach the host's files if they were
/// followed from the host instead of from inside the root.
/// </summary>
internal sealed class FakeRootfs : IDisposable
{
    private readonly TempFolder _folder = new("rootfs");

    public FakeRootfs()
    {
        PasswdContent = $"container-passwd-{Guid.NewGuid():N}\n";
        Write("etc/passwd", PasswdContent);
        Write("dir/a.txt", "alpha");
        Write("dir/sub/b.txt", "beta");
        File.CreateSymbolicLink(Combine("link"), "/etc/passwd");
        File.CreateSymbolicLink(Combine("hostroot"), "/");
        File.CreateSymbolicLink(Combine("up"), "../../../../../../..");
        File.CreateSymbolicLink(Combine("dir/sub/relative"), "../a.txt");
    }

    public string Path => _folder.Path;

    /// <summary>Differs from the host's /etc/passwd, so a test can tell whose file it got.</summary>
    public string PasswdContent { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Write(string relative, string content) => _folder.Write(relative, content);

    public void Dispose() => _folder.Dispose();
}
