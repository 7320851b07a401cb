using Modular.Sdk.Syscalls;
using Xunit;
using Ops = Modular.Sdk.Conformance.Storage.ContainerFileOperations;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    /// <summary>
    /// The scenarios of containerd's snapshotter suite (most from Docker issues), committed as Docker commits: each step
    /// runs in a container's read-write layer, which is diffed into a new image layer; the container's view and the
    /// committed layer must both equal a plain directory the same steps ran on (types, modes, owners, content, links,
    /// xattrs).
    /// </summary>
    [Theory]
    [InlineData("basic")]
    [InlineData("layer-file-update")]
    [InlineData("remove-directory-in-lower-layer")]
    [InlineData("chown")]
    [InlineData("directory-permission-on-commit")]
    [InlineData("deleted-files-in-child")]
    [InlineData("move-file-from-lower-layer")]
    [InlineData("rename")]
    [InlineData("special-files")]
    public void CommittedLayersMatchThePlainDirectoryTheSameStepsRanOn(string scenario)
    {
        RequireRoot();
        var flat = Directory.CreateDirectory(Path.Join(TemporaryFolder, "flat")).FullName;
        LinuxSyscalls.ChangeMode(flat, LayerTarBuilder.Octal("755"));
        string? parent = null;
        var steps = Scenario(scenario);
        for (var i = 0; i < steps.Length; i++)
        {
            var container = NewId();
            Driver.CreateReadWrite(container, parent);
            WithMounted(container, steps[i]);
            steps[i](flat);
            var expected = TreeSnapshot.Capture(flat);
            WithMounted(container, root => TreeSnapshot.AssertEqual(expected, TreeSnapshot.Capture(root), $"step {i + 1}: the container's view"));
            var committed = CommitToImageLayer(container, parent);
            WithMounted(committed, root => TreeSnapshot.AssertEqual(expected, TreeSnapshot.Capture(root), $"step {i + 1}: the committed layer"));
            parent = committed;
        }
    }

    private static Action<string>[] Scenario(string name) => name switch
    {
        "basic" =>
        [
            root =>
            {
                Ops.WriteFile(Path.Join(root, "foo"), "foo\n", LayerTarBuilder.Octal("777"));
                Ops.MakeDirectory(Path.Join(root, "a"));
                Ops.MakeDirectory(Path.Join(root, "a/b"));
                Ops.MakeDirectory(Path.Join(root, "a/b/c"));
            },
            root =>
            {
                Ops.WriteFile(Path.Join(root, "bar"), "bar\n", LayerTarBuilder.Octal("777"));
                Ops.WriteFile(Path.Join(root, "foo"), "bar\n", LayerTarBuilder.Octal("777"));
                Directory.Delete(Path.Join(root, "a/b"), recursive: true);
            },
        ],
        "layer-file-update" =>
        [
            root =>
            {
                Ops.MakeDirectory(Path.Join(root, "etc"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "etc/hosts"), "mydomain 10.0.0.1");
                Ops.WriteFile(Path.Join(root, "etc/profile"), "PATH=/usr/bin");
            },
            root =>
            {
                Ops.WriteFile(Path.Join(root, "etc/hosts"), "mydomain 10.0.0.2");
                Ops.WriteFile(Path.Join(root, "etc/profile"), "PATH=/usr/bin", LayerTarBuilder.Octal("666"));
                Ops.MakeDirectory(Path.Join(root, "root"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "root/.bashrc"), "PATH=/usr/sbin:/usr/bin");
            },
        ],
        "remove-directory-in-lower-layer" =>
        [
            root =>
            {
                Ops.MakeDirectory(Path.Join(root, "lib"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "lib/hidden"), "");
            },
            root =>
            {
                Directory.Delete(Path.Join(root, "lib"), recursive: true);
                Ops.MakeDirectory(Path.Join(root, "lib"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "lib/not-hidden"), "");
            },
            root => Ops.WriteFile(Path.Join(root, "lib/newfile"), ""),
        ],
        "chown" =>
        [
            root =>
            {
                Ops.MakeDirectory(Path.Join(root, "opt"), LayerTarBuilder.Octal("700"));
                Ops.MakeDirectory(Path.Join(root, "opt/a"), LayerTarBuilder.Octal("700"));
                Ops.MakeDirectory(Path.Join(root, "opt/a/b"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "opt/a/b/file.txt"), "hello");
            },
            root =>
            {
                foreach (var path in new[] { "opt", "opt/a", "opt/a/b", "opt/a/b/file.txt" })
                {
                    LinuxSyscalls.LChown(Path.Join(root, path), 1, 1);
                }
            },
        ],
        "directory-permission-on-commit" =>
        [
            root =>
            {
                foreach (var dir in new[] { "dir1", "dir2", "dir3", "dir4", "dir5" })
                {
                    Ops.MakeDirectory(Path.Join(root, dir), LayerTarBuilder.Octal("700"));
                }
                Ops.WriteFile(Path.Join(root, "dir4/f1"), "...");
                Ops.WriteFile(Path.Join(root, "dir5/f1"), "...");
                foreach (var path in new[] { "dir1", "dir2", "dir3", "dir5", "dir5/f1" })
                {
                    LinuxSyscalls.LChown(Path.Join(root, path), 1, 1);
                }
            },
            root =>
            {
                LinuxSyscalls.LChown(Path.Join(root, "dir2"), 0, 0);
                Directory.Delete(Path.Join(root, "dir3"), recursive: true);
                LinuxSyscalls.LChown(Path.Join(root, "dir4"), 1, 1);
                LinuxSyscalls.LChown(Path.Join(root, "dir4/f1"), 1, 1);
            },
            root =>
            {
                Ops.MakeDirectory(Path.Join(root, "dir3"), LayerTarBuilder.Octal("700"));
                LinuxSyscalls.LChown(Path.Join(root, "dir3"), 1, 1);
                Directory.Delete(Path.Join(root, "dir5"), recursive: true);
                Ops.MakeDirectory(Path.Join(root, "dir5"), LayerTarBuilder.Octal("700"));
                LinuxSyscalls.LChown(Path.Join(root, "dir5"), 1, 1);
            },
        ],
        "deleted-files-in-child" =>
        [
            root =>
            {
                Ops.WriteFile(Path.Join(root, "foo"), "foo\n", LayerTarBuilder.Octal("777"));
                Ops.WriteFile(Path.Join(root, "foobar"), "foobar\n", LayerTarBuilder.Octal("777"));
            },
            root => File.Delete(Path.Join(root, "foobar")),
            _ => { },
        ],
        "move-file-from-lower-layer" =>
        [
            root =>
            {
                Ops.MakeDirectory(Path.Join(root, "dir1"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "dir1/f1"), "Hello");
                Ops.MakeDirectory(Path.Join(root, "dir2"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "dir2/f2"), "...");
            },
            root =>
            {
                Ops.MakeDirectory(Path.Join(root, "dir3"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "dir3/f1"), "Hello");
                Directory.Delete(Path.Join(root, "dir1"), recursive: true);
                LinuxSyscalls.HardLink(Path.Join(root, "dir2/f2"), Path.Join(root, "dir3/f2"));
                File.Delete(Path.Join(root, "dir2/f2"));
            },
        ],
        "rename" =>
        [
            root =>
            {
                Ops.MakeDirectory(Path.Join(root, "dir1"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "dir1/inside"), "moves along");
                Ops.MakeDirectory(Path.Join(root, "somefiles"), LayerTarBuilder.Octal("700"));
                Ops.WriteFile(Path.Join(root, "somefiles/f1"), "was here first!");
                Ops.WriteFile(Path.Join(root, "somefiles/f2"), "nothing interesting");
            },
            root =>
            {
                Ops.Rename(Path.Join(root, "dir1"), Path.Join(root, "dir2"));
                Ops.WriteFile(Path.Join(root, "somefiles/f1-overwrite"), "new content 1");
                Ops.Rename(Path.Join(root, "somefiles/f1-overwrite"), Path.Join(root, "somefiles/f1"));
                Ops.Rename(Path.Join(root, "somefiles/f2"), Path.Join(root, "somefiles/f3"));
            },
        ],
        "special-files" =>
        [
            root =>
            {
                Ops.MakeDirectory(Path.Join(root, "dev"));
                LinuxSyscalls.MakeNode(Path.Join(root, "dev/zero"), Syscalls.FileStatus.TypeCharDevice | LayerTarBuilder.Octal("666"), LinuxSyscalls.MakeDevice(1, 5));
                LinuxSyscalls.MakeNode(Path.Join(root, "dev/loop1"), Syscalls.FileStatus.TypeBlockDevice | LayerTarBuilder.Octal("660"), LinuxSyscalls.MakeDevice(7, 1));
                LinuxSyscalls.MakeNode(Path.Join(root, "pipe"), Syscalls.FileStatus.TypeFifo | LayerTarBuilder.Octal("600"), 0);
                LinuxSyscalls.Symlink("../pipe", Path.Join(root, "dev/pipe-link"));
                Ops.MakeDirectory(Path.Join(root, "x"));
                Ops.MakeDirectory(Path.Join(root, "y"));
                Ops.MakeDirectory(Path.Join(root, "y/z"));
                Ops.WriteFile(Path.Join(root, "x/a"), "linked three times", LayerTarBuilder.Octal("4755"));
                LinuxSyscalls.HardLink(Path.Join(root, "x/a"), Path.Join(root, "y/z/b"));
                LinuxSyscalls.HardLink(Path.Join(root, "x/a"), Path.Join(root, "c"));
                LinuxSyscalls.LChown(Path.Join(root, "dev/pipe-link"), 3, 4);
            },
            root =>
            {
                File.Delete(Path.Join(root, "dev/zero"));
                LinuxSyscalls.MakeNode(Path.Join(root, "dev/zero"), Syscalls.FileStatus.TypeCharDevice | LayerTarBuilder.Octal("600"), LinuxSyscalls.MakeDevice(1, 5));
                File.Delete(Path.Join(root, "c"));
                // Linking a name from a lower layer would copy it up and part it from its other names (overlayfs without
                // index), which a plain directory cannot mimic; a fresh file's links are the same everywhere.
                Ops.WriteFile(Path.Join(root, "y/new"), "linked in the second step");
                LinuxSyscalls.HardLink(Path.Join(root, "y/new"), Path.Join(root, "x/new-link"));
            },
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
