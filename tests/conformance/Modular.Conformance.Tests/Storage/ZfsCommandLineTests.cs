using Modular.Sdk;
using Modular.Sdk.Storage;
using Modular.Storage.Zfs;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// The exact <c>zfs</c> and <c>zpool</c> command lines the zfs driver issues, checked against stand-in scripts that
/// record their arguments. This checks argument formatting only: this machine has no zfs kernel module, so what zfs
/// does with these commands is not exercised here.
/// </summary>
public sealed class ZfsCommandLineTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("modular-zfs-cli-").FullName;
    private readonly string _record;
    private readonly ZfsDatasets _datasets;

    public ZfsCommandLineTests()
    {
        _record = Path.Join(_temp, "commands");
        var zfs = StandIn("zfs", """
            case "$1" in
              list) if [ "$4" = "name,origin" ]; then printf 'tank/docker\t-\ntank/docker/aaa\t-\ntank/docker/bbb\ttank/docker/aaa@bbb\n'; else printf 'tank/docker\ntank/docker/aaa\ntank/docker/bbb\n'; fi ;;
              get) printf 'used\t1024\navailable\t2048\nquota\t0\ncompression\tlz4\n' ;;
              destroy) [ "$2" = "-r" ] && [ "$3" = "tank/docker/missing" ] && { echo "cannot open 'tank/docker/missing': dataset does not exist" >&2; exit 1; } ;;
            esac
            exit 0
            """);
        var zpool = StandIn("zpool", "echo ONLINE");
        _datasets = new ZfsDatasets(new ZfsCommand(zfs, zpool, new SilentLog()), "tank/docker");
    }

    public void Dispose() => FileTree.RemoveAll(_temp);

    [Fact]
    public void ABaseLayerIsAFilesystemWithALegacyMountpoint()
    {
        _datasets.CreateEmpty("aaa");
        Assert.Equal(["zfs [create] [-o] [mountpoint=legacy] [tank/docker/aaa]"], Recorded());
    }

    [Fact]
    public void AChildIsACloneOfASnapshotOfItsParentWhoseSnapshotIsDestroyedDeferred()
    {
        _datasets.CreateClone("bbb", "aaa");
        Assert.Equal(
            [
                "zfs [snapshot] [tank/docker/aaa@bbb]",
                "zfs [clone] [-o] [mountpoint=legacy] [tank/docker/aaa@bbb] [tank/docker/bbb]",
                "zfs [destroy] [-d] [tank/docker/aaa@bbb]",
            ],
            Recorded());
    }

    [Fact]
    public void SizeQuotaAndRemovalCommands()
    {
        _datasets.SetQuota("bbb", ZfsOptions.ContainerSize(new Dictionary<string, string> { ["size"] = "64M" }));
        _datasets.Destroy("bbb");
        Assert.Equal(["zfs [set] [quota=67108864] [tank/docker/bbb]", "zfs [destroy] [-r] [tank/docker/bbb]"], Recorded());
    }

    [Fact]
    public void ListingAndStatusQueriesAreParsed()
    {
        Assert.Equal(["tank/docker", "tank/docker/aaa", "tank/docker/bbb"], _datasets.ListFilesystems());
        var properties = _datasets.ParentProperties("used", "available", "quota", "compression");
        Assert.Equal("1024", properties["used"]);
        Assert.Equal("lz4", properties["compression"]);
        Assert.Equal("ONLINE", _datasets.PoolHealth());
        Assert.Equal(
            [
                "zfs [list] [-H] [-o] [name] [-t] [filesystem] [-r] [tank/docker]",
                "zfs [get] [-H] [-p] [-o] [property,value] [used,available,quota,compression] [tank/docker]",
                "zpool [list] [-H] [-o] [health] [tank]",
            ],
            Recorded());
    }

    [Fact]
    public void ChildrenAreFoundByTheOriginOfTheirClone()
    {
        Assert.Equal(["tank/docker/bbb"], _datasets.ClonesOf("aaa"));
        Assert.Empty(_datasets.ClonesOf("bbb"));
        Assert.Equal(["zfs [list] [-H] [-o] [name,origin] [-t] [filesystem] [-r] [tank/docker]"], Recorded().Distinct());
    }

    [Fact]
    public void AFailingCommandCarriesZfsOwnMessageAndKind()
    {
        var failure = Assert.ThrowsAny<DriverException>(() => _datasets.Destroy("missing"));
        Assert.Equal(DriverErrorKind.NotFound, failure.Kind);
        Assert.Contains("dataset does not exist", failure.Message);
        Assert.Contains("zfs destroy -r tank/docker/missing", failure.Message);
    }

    [Theory]
    [InlineData("zfs.fsnme", "zfs.fsnme")]
    [InlineData("overlay2.size", "overlay2.size")]
    public void UnknownDriverOptionsAreRefusedByName(string key, string named)
    {
        var failure = Assert.ThrowsAny<DriverException>(() => ZfsOptions.Parse(new Dictionary<string, string> { [key] = "x" }));
        Assert.Equal(DriverErrorKind.InvalidArgument, failure.Kind);
        Assert.Contains(named, failure.Message);
    }

    private string StandIn(string name, string body)
    {
        var path = Path.Join(_temp, name);
        File.WriteAllText(path, $$"""
            #!/bin/sh
            { printf '%s' "{{name}}"; for argument in "$@"; do printf ' [%s]' "$argument"; done; echo; } >> '{{_record}}'
            {{body}}

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string[] Recorded() => File.Exists(_record) ? File.ReadAllLines(_record) : [];

    private sealed class SilentLog : IDriverLog
    {
        public void Debug(string message) { }
        public void Info(string message) { }
        public void Warn(string message) { }
        public void Error(string message, Exception? exception = null) { }
    }
}
