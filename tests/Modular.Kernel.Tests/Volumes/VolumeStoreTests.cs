using Microsoft.Extensions.Logging.Abstractions;
using Modular.Kernel.Containers;
using Modular.Kernel.Containers.Mounts;
using Modular.Kernel.Events;
using Modular.Kernel.Tests.Containers;
using Modular.Kernel.Volumes;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Volumes;

public sealed class VolumeStoreTests : IDisposable
{
    private readonly TempFolder _root = new("volumes");
    private readonly ContainerStore _containers;

    public VolumeStoreTests() => _containers = new ContainerStore(_root.Path);

    public void Dispose() => _root.Dispose();

    private VolumeStore NewStore()
    {
        var store = new VolumeStore(_root.Path, _containers, new EventBus(), NullLogger<VolumeStore>.Instance);
        store.Load();
        return store;
    }

    [Fact]
    public void VolumesComeBackAfterARestartWithLabelsAndOptions()
    {
        var first = NewStore();
        first.Create("data", null, new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs" }, new Dictionary<string, string> { ["tier"] = "db" });
        var anonymous = first.Create(null, null, null, null);

        var second = NewStore();
        var data = second.Get("data");

        Assert.Equal("tmpfs", data.Options["type"]);
        Assert.Equal("db", data.Labels["tier"]);
        Assert.Equal("local", data.Driver);
        Assert.True(second.Get(anonymous.Name).Anonymous);
        Assert.Matches("^[0-9a-f]{64}$", anonymous.Name);
        Assert.True(Directory.Exists(_root.Combine("volumes", "data", "_data")));
    }

    [Fact]
    public void CreatingAnExistingVolumeReturnsIt()
    {
        var store = NewStore();
        var created = store.Create("data", "local", null, new Dictionary<string, string> { ["a"] = "1" });

        var again = store.Create("data", null, null, null);

        Assert.Same(created, again);
    }

    [Fact]
    public void ADataFolderWithoutMetadataIsAdoptedNotLost()
    {
        Directory.CreateDirectory(_root.Combine("volumes", "orphan", "_data"));
        File.WriteAllText(_root.Combine("volumes", "orphan", "_data", "precious"), "keep");

        var store = NewStore();

        Assert.Equal("orphan", store.Get("orphan").Name);
        Assert.True(File.Exists(_root.Combine("volumes", "orphan", "volume.json")));
    }

    [Fact]
    public void HalfDoneRemovalsAndTemporaryFilesAreCleanedAtLoad()
    {
        Directory.CreateDirectory(_root.Combine("volumes", ".removing-old-0123", "_data"));
        File.WriteAllText(_root.Combine("volumes", ".volume.json.1.tmp"), "{");

        var store = NewStore();

        Assert.Empty(store.All());
        Assert.False(Directory.Exists(_root.Combine("volumes", ".removing-old-0123")));
        Assert.False(File.Exists(_root.Combine("volumes", ".volume.json.1.tmp")));
    }

    [Fact]
    public void AVolumeAContainerUsesCannotBeRemoved()
    {
        var store = NewStore();
        store.Create("busy", null, null, null);
        var container = SampleContainers.New("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "holder");
        container.MountPoints.Add(new ContainerMount { Type = ContainerMount.VolumeType, Name = "busy", Destination = "/b" });
        _containers.Add(container);

        var error = Assert.Throws<DriverException>(() => store.Remove("busy", force: false));
        _containers.Delete(container);
        store.Remove("busy", force: false);

        Assert.Equal(DriverErrorKind.Conflict, error.Kind);
        Assert.Equal($"remove busy: volume is in use - [{container.Id}]", error.Message);
        Assert.Null(store.Find("busy"));
        Assert.False(Directory.Exists(_root.Combine("volumes", "busy")));
    }

    [Fact]
    public void AClaimProtectsAVolumeBeforeItsContainerIsStored()
    {
        var store = NewStore();
        store.Create("claimed", null, null, null, claimedBy: "creating");

        var error = Assert.Throws<DriverException>(() => store.Remove("claimed", force: false));
        store.ReleaseClaims("creating");
        store.Remove("claimed", force: false);

        Assert.Equal(DriverErrorKind.Conflict, error.Kind);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("-lead")]
    [InlineData("x")]
    public void InvalidNamesAreRefusedBeforeAnythingIsCreated(string name)
    {
        var store = NewStore();

        var error = Assert.Throws<DriverException>(() => store.Create(name, null, null, null));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root.Combine("volumes")));
    }

    [Theory]
    [InlineData("colour", "red", "invalid option: \"colour\"")]
    [InlineData("device", "/dev/x", "missing required option: \"type\"")]
    [InlineData("type", "tmpfs", "missing required option: \"device\"")]
    [InlineData("size", "10m", "quota size requested but no quota support")]
    public void LocalDriverOptionsFollowDockerRules(string key, string value, string message)
    {
        var store = NewStore();

        var error = Assert.Throws<DriverException>(() => store.Create("opts", null, new Dictionary<string, string> { [key] = value }, null));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void MountOptionsSplitIntoFlagsAndData()
    {
        var parsed = MountOptionFlags.Parse("ro,nosuid,size=10m,rbind,rshared,uid=1000");

        Assert.Equal(MountOptionFlags.ReadOnly | MountOptionFlags.NoSuid | MountOptionFlags.Bind | MountOptionFlags.Recursive, parsed.Flags);
        Assert.Equal(MountOptionFlags.Shared | MountOptionFlags.Recursive, parsed.Propagation);
        Assert.Equal("size=10m,uid=1000", parsed.Data);
    }
}
