using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    private const long SparseFileSize = 64L << 20;
    private const long SparseTailOffset = 48L << 20;

    /// <summary>
    /// A sparse file a container wrote keeps its size and content through Diff and ApplyDiff, and its holes too where
    /// the filesystem keeps holes (judged on the container's own file: if that one is not sparse, only the hole check
    /// is skipped).
    /// </summary>
    [Fact]
    public void SparseFilesKeepTheirSizeAndHoles()
    {
        RequireRoot();
        var container = NewId();
        Driver.CreateReadWrite(container, null);
        var holesSupported = false;
        WithMounted(container, root =>
        {
            var path = Path.Join(root, "sparse");
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write("head"u8);
                file.Position = SparseTailOffset;
                file.Write("tail"u8);
                file.SetLength(SparseFileSize);
            }
            holesSupported = AllocatedSpace.Of(path) < SparseFileSize / 2;
        });

        var image = NewId();
        Driver.Create(image, null);
        long applied;
        using (var diff = Driver.Diff(container, null))
        {
            applied = Driver.ApplyDiff(image, null, diff);
        }
        Assert.Equal(SparseFileSize, applied);
        WithMounted(image, root =>
        {
            var path = Path.Join(root, "sparse");
            Assert.Equal(SparseFileSize, LinuxSyscalls.LStat(path).Size);
            AssertSparseContent(path);
            if (holesSupported)
            {
                var allocated = AllocatedSpace.Of(path);
                Assert.True(allocated < SparseFileSize / 2,
                    $"the applied file occupies {allocated} bytes of disk for {SparseFileSize} bytes of mostly holes: its holes were filled");
            }
        });
        if (!holesSupported)
        {
            Assert.Skip("the filesystem under the layers does not keep holes; size and content were checked, holes could not be");
        }
    }

    /// <summary>
    /// Extended attributes a container set (text and binary user.* values, a binary security.capability) come back
    /// byte for byte from Diff and ApplyDiff, on files and directories.
    /// </summary>
    [Fact]
    public void XattrsSetThroughTheMountSurviveDiffAndApplyDiff()
    {
        RequireRoot();
        var container = NewId();
        Driver.CreateReadWrite(container, null);
        WithMounted(container, root =>
        {
            File.WriteAllText(Path.Join(root, "program"), "#!/bin/sh\n");
            Directory.CreateDirectory(Path.Join(root, "dir"));
            foreach (var (path, name, value) in BinaryXattrs(root))
            {
                LinuxSyscalls.SetXattr(path, name, value);
            }
        });
        var image = CommitToImageLayer(container, null);
        WithMounted(image, root =>
        {
            foreach (var (path, name, value) in BinaryXattrs(root))
            {
                Assert.True(value.AsSpan().SequenceEqual(LinuxSyscalls.GetXattr(path, name)),
                    $"{name} on {Path.GetFileName(path)}: expected {Convert.ToHexString(value)}, got {Convert.ToHexString(LinuxSyscalls.GetXattr(path, name) ?? [])}");
            }
        });
    }

    /// <summary>
    /// A tar whose PAX headers carry xattr values as raw bytes (as Docker and containerd write them, not UTF-8) applies
    /// those exact bytes.
    /// </summary>
    [Fact]
    public void BinaryXattrsInATarApplyByteForByte()
    {
        RequireRoot();
        var image = NewId();
        Driver.Create(image, null);
        var xattrs = new Dictionary<string, byte[]>
        {
            ["user.text"] = "plain"u8.ToArray(),
            ["user.binary"] = [0x00, 0xFF, 0xFE, 0x80, 0x7F, 0xC3],
            ["security.capability"] = CapabilityBlob,
        };
        using (var tar = new LayerTarBuilder().FileWithBinaryXattrs("program", "#!/bin/sh\n", xattrs, mode: "755").Build())
        {
            Driver.ApplyDiff(image, null, tar);
        }
        WithMounted(image, root =>
        {
            var path = Path.Join(root, "program");
            Assert.Equal("#!/bin/sh\n", File.ReadAllText(path));
            Assert.Equal("plain"u8.ToArray(), LinuxSyscalls.GetXattr(path, "user.text"));
            foreach (var (name, value) in xattrs)
            {
                var actual = LinuxSyscalls.GetXattr(path, name) ?? [];
                Assert.True(value.AsSpan().SequenceEqual(actual), $"{name}: expected {Convert.ToHexString(value)}, got {Convert.ToHexString(actual)}");
            }
        });
    }

    /// <summary>
    /// Modification times a container set on a file, a directory, a symlink, and on a lower directory it deleted from,
    /// survive Diff and ApplyDiff (to the second, as Docker's tars keep them).
    /// </summary>
    [Fact]
    public void TimesSetThroughTheMountSurviveDiffAndApplyDiff()
    {
        RequireRoot();
        var image = CreateImageLayer(null, tar => tar.Directory("old-dir").File("old-dir/victim", "v").File("old-dir/stays", "s"));
        var container = NewId();
        Driver.CreateReadWrite(container, image);
        var times = new Dictionary<string, UnixTime>
        {
            ["file"] = new(1_500_000_001, 0),
            ["dir/inner"] = new(1_500_000_002, 0),
            ["dir"] = new(1_500_000_003, 0),
            ["link"] = new(1_500_000_004, 0),
            ["old-dir"] = new(1_500_000_005, 0),
        };
        WithMounted(container, root =>
        {
            File.WriteAllText(Path.Join(root, "file"), "f");
            Directory.CreateDirectory(Path.Join(root, "dir"));
            File.WriteAllText(Path.Join(root, "dir/inner"), "i");
            LinuxSyscalls.Symlink("file", Path.Join(root, "link"));
            File.Delete(Path.Join(root, "old-dir/victim"));
            foreach (var (path, time) in times)
            {
                LinuxSyscalls.SetTimes(Path.Join(root, path), time, time);
            }
        });
        var committed = CommitToImageLayer(container, image);
        var view = NewId();
        Driver.CreateReadWrite(view, committed);
        foreach (var id in new[] { committed, view })
        {
            WithMounted(id, root =>
            {
                foreach (var (path, time) in times)
                {
                    Assert.True(time.Seconds == LinuxSyscalls.LStat(Path.Join(root, path)).ModificationTime.Seconds,
                        $"{path}: expected mtime {time.Seconds}, got {LinuxSyscalls.LStat(Path.Join(root, path)).ModificationTime.Seconds}");
                }
            });
        }
    }

    // security.capability v2 granting CAP_SETUID (bit 7) and CAP_NET_BIND_SERVICE (bit 10): its bytes are not UTF-8.
    private static readonly byte[] CapabilityBlob =
        [0x01, 0x00, 0x00, 0x02, 0x80, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static (string Path, string Name, byte[] Value)[] BinaryXattrs(string root) =>
    [
        (Path.Join(root, "program"), "user.text", "plain text"u8.ToArray()),
        (Path.Join(root, "program"), "user.binary", [0x00, 0xFF, 0xFE, 0x80, 0x7F, 0xC3]),
        (Path.Join(root, "program"), "security.capability", CapabilityBlob),
        (Path.Join(root, "dir"), "user.on-a-directory", [0xDE, 0xAD, 0xBE, 0xEF]),
    ];

    private static void AssertSparseContent(string path)
    {
        using var file = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        long offset = 0;
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var at = offset + i;
                byte expected = at switch
                {
                    < 4 => "head"u8[(int)at],
                    >= SparseTailOffset and < SparseTailOffset + 4 => "tail"u8[(int)(at - SparseTailOffset)],
                    _ => 0,
                };
                if (buffer[i] != expected)
                {
                    Assert.Fail($"byte {at} of the sparse file is {buffer[i]}, expected {expected}");
                }
            }
            offset += read;
        }
        Assert.Equal(SparseFileSize, offset);
    }
}
