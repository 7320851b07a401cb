using System.Text.Json.Nodes;
using Modular.Kernel.Containers.Mounts;
using Modular.Kernel.Runtime;
using Xunit;

namespace Modular.Kernel.Tests.Volumes;

/// <summary>The user's mounts in the OCI spec: after the standard ones, replacing one at the same destination, shm sized.</summary>
public sealed class SpecMountTests
{
    private static JsonObject Build(IReadOnlyList<SpecMount> mounts, long shmSize = 0) =>
        OciSpecBuilder.Build(new ContainerSpecInput(
            new string('a', 64),
            "/rootfs",
            "host",
            new ProcessSpec(["true"], ["PATH=/bin"], "/", new ResolvedUser(0, 0, [], "/root"), false),
            false,
            [],
            UserMounts: mounts,
            ShmSize: shmSize));

    private static List<JsonNode> Mounts(JsonObject spec) => spec["mounts"]!.AsArray().Select(m => m!).ToList();

    [Fact]
    public void UserMountsComeLastAndReplaceAStandardOne()
    {
        var spec = Build([
            new SpecMount("/data", "bind", "/var/lib/modular/volumes/d/_data", ["rbind", "ro", "rprivate"]),
            new SpecMount("/dev/shm", "tmpfs", "tmpfs", ["noexec", "nosuid", "nodev", "size=1m", "rprivate"]),
        ]);

        var mounts = Mounts(spec);
        var shm = mounts.Where(m => (string?)m["destination"] == "/dev/shm").ToList();

        Assert.Single(shm);
        Assert.Equal("tmpfs", (string?)shm[0]["source"]);
        Assert.Equal("/data", (string?)mounts[^2]["destination"]);
        Assert.Equal(["rbind", "ro", "rprivate"], mounts[^2]["options"]!.AsArray().Select(o => (string)o!));
        Assert.Null(spec["linux"]!["rootfsPropagation"]);
    }

    [Fact]
    public void ShmSizeAndSharedPropagationReachTheSpec()
    {
        var spec = Build([new SpecMount("/mnt", "bind", "/mnt", ["rbind", "rshared"])], shmSize: 32 * 1024 * 1024);

        var shm = Mounts(spec).Single(m => (string?)m["destination"] == "/dev/shm");

        Assert.Contains("size=33554432", shm["options"]!.AsArray().Select(o => (string)o!));
        Assert.Equal("rshared", (string?)spec["linux"]!["rootfsPropagation"]);
    }

    [Fact]
    public void WithoutShmSizeDockersDefaultOf64MiBStays()
    {
        var shm = Mounts(Build([])).Single(m => (string?)m["destination"] == "/dev/shm");

        Assert.Contains("size=67108864", shm["options"]!.AsArray().Select(o => (string)o!));
    }
}
