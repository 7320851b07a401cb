using Modular.Sdk.Storage;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    /// <summary>Layer entries that would land outside the layer are refused, and nothing appears outside.</summary>
    [Theory]
    [InlineData("parent-dots")]
    [InlineData("deep-parent-dots")]
    [InlineData("absolute-name")]
    [InlineData("relative-symlink-parent")]
    [InlineData("hard-link-outside")]
    public void EntriesEscapingTheLayerAreRefused(string attack)
    {
        RequireRoot();
        var marker = "escaped-" + Guid.NewGuid().ToString("N");
        var climb = string.Concat(Enumerable.Repeat("../", 24));
        var id = NewId();
        Driver.Create(id, null);
        var tar = new LayerTarBuilder().File("harmless", "inside");
        _ = attack switch
        {
            "parent-dots" => tar.File("../" + marker, "out"),
            "deep-parent-dots" => tar.Directory("a").File("a/../../" + climb + marker, "out"),
            "absolute-name" => tar.File("/tmp/" + marker, "out"),
            "relative-symlink-parent" => tar.Symlink("up", climb + "tmp").File("up/" + marker, "out"),
            "hard-link-outside" => tar.HardLink(marker, climb + "etc/hostname"),
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };
        using var stream = tar.Build();
        AssertFails(DriverErrorKind.InvalidArgument, () => Driver.ApplyDiff(id, null, stream));
        AssertNothingNamedOutsideTheLayer(marker);
    }

    /// <summary>
    /// A symlink with an absolute target is the container's path, not the host's: writing through it either stays
    /// inside the layer or is refused, and never touches the host path of the same name.
    /// </summary>
    [Fact]
    public void AbsoluteSymlinkParentsNeverReachTheHost()
    {
        RequireRoot();
        var marker = "escaped-" + Guid.NewGuid().ToString("N");
        var id = NewId();
        Driver.Create(id, null);
        using var stream = new LayerTarBuilder().Symlink("host-tmp", "/tmp").File("host-tmp/" + marker, "out").Build();
        try
        {
            Driver.ApplyDiff(id, null, stream);
        }
        catch (DriverException e) when (e.Kind == DriverErrorKind.InvalidArgument)
        {
            // Refusing is as good as containing.
        }
        Assert.False(File.Exists(Path.Join("/tmp", marker)), $"/tmp/{marker} was written on the host");
    }

    private void AssertNothingNamedOutsideTheLayer(string marker)
    {
        Assert.False(File.Exists(Path.Join("/", marker)), $"/{marker} was written on the host");
        Assert.False(File.Exists(Path.Join("/tmp", marker)), $"/tmp/{marker} was written on the host");
        Assert.Empty(FindWithoutFollowingLinks(TemporaryFolder, marker));
    }

    // The layer under test holds symlinks that point upwards; a walk that followed them would never end.
    private static IEnumerable<string> FindWithoutFollowingLinks(string folder, string name)
    {
        foreach (var child in FileTree.ChildNames(folder))
        {
            var path = Path.Join(folder, child);
            if (child == name)
            {
                yield return path;
            }
            if (LinuxSyscalls.TryLStat(path, out var status) && status.IsDirectory)
            {
                foreach (var found in FindWithoutFollowingLinks(path, name))
                {
                    yield return found;
                }
            }
        }
    }
}
