using System.CommandLine;
using Modular.Cli;
using Modular.Cli.Commands;
using Xunit;

namespace Modular.Cli.Tests.Commands;

public sealed class MountFlagsTests
{
    private static string Absolute(string path) => "/work/" + path.TrimStart('.', '/');

    [Fact]
    public void VolumeSpecsWithASourceAreBindsTheOthersAnonymousVolumes()
    {
        var (binds, volumes) = MountFlags.SplitVolumes(["data:/data", "/srv:/srv:ro", "/scratch", "/cache:ro", "./here:/h"], Absolute);

        Assert.Equal(["data:/data", "/srv:/srv:ro", "/cache:ro", "/work/here:/h"], binds);
        Assert.Equal(["/scratch"], volumes);
    }

    [Fact]
    public void AnEmptySectionIsRefusedLikeDocker()
    {
        var error = Assert.Throws<CliStatusException>(() => MountFlags.SplitVolumes(["data::/x"], Absolute));

        Assert.Equal(125, error.ExitCode);
        Assert.StartsWith("invalid argument \"data::/x\" for \"-v, --volume\" flag:", error.Message);
    }

    [Fact]
    public void MountFieldsMapToTheApiShape()
    {
        var bind = MountFlags.ParseMount("type=bind,src=/a,dst=/b,readonly,bind-propagation=RSHARED,bind-create-src", Absolute);
        var volume = MountFlags.ParseMount("source=v1,target=/v,volume-nocopy,volume-subpath=sub,volume-opt=type=tmpfs,volume-label=a=b", Absolute);
        var tmpfs = MountFlags.ParseMount("type=tmpfs,destination=/t,tmpfs-size=64m,tmpfs-mode=1770", Absolute);

        Assert.Equal(("bind", "/a", "/b", true), (bind.Type, bind.Source, bind.Target, bind.ReadOnly));
        Assert.Equal("rshared", bind.BindOptions!.Propagation);
        Assert.True(bind.BindOptions.CreateMountpoint);
        Assert.Equal("volume", volume.Type);
        Assert.True(volume.VolumeOptions!.NoCopy);
        Assert.Equal("sub", volume.VolumeOptions.Subpath);
        Assert.Equal("tmpfs", volume.VolumeOptions.DriverConfig!.Options!["type"]);
        Assert.Equal("b", volume.VolumeOptions.Labels!["a"]);
        Assert.Equal(64L * 1024 * 1024, tmpfs.TmpfsOptions!.SizeBytes);
        Assert.Equal(Convert.ToUInt32("1770", 8), tmpfs.TmpfsOptions.Mode);
    }

    [Theory]
    [InlineData("type=bind,src=/a,dst=/b,colour=red", "unexpected key 'colour' in 'colour=red'")]
    [InlineData("type=bind,src=/a", "target is required")]
    [InlineData("type=bind,src=/a,dst=/b,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'")]
    [InlineData("type=tmpfs,dst=/t,tmpfs-size=lots", "invalid value for tmpfs-size: lots")]
    [InlineData("type=volume,dst=/t,readonly=maybe", "invalid value for readonly: maybe")]
    [InlineData("type=volume,dst=/t,shiny", "invalid field 'shiny' must be a key=value pair")]
    public void BadMountValuesNameTheProblem(string value, string message)
    {
        var error = Assert.Throws<CliStatusException>(() => MountFlags.ParseMount(value, Absolute));

        Assert.Equal($"invalid argument \"{value}\" for \"--mount\" flag: {message}", error.Message);
    }

    [Theory]
    [InlineData("64m", 64L * 1024 * 1024)]
    [InlineData("1g", 1L << 30)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("100", 100L)]
    public void SizesAreGoUnitsRamSizes(string text, long bytes) => Assert.Equal(bytes, MountFlags.RamInBytes(text));

    [Fact]
    public void RunFlagsReachTheCreateRequest()
    {
        var flags = new RunFlags();
        var command = new Command("run");
        flags.AddTo(command);
        var positional = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(positional);
        var parsed = command.Parse(["-v", "data:/data", "-v", "/anon", "--mount", "type=tmpfs,dst=/t", "--tmpfs", "/run:size=1m",
            "--volumes-from", "other:ro", "--read-only", "--shm-size", "32m", "busybox"]);
        Assert.Empty(parsed.Errors);

        var request = CreateRequestBuilder.Build(flags.Read(parsed, parsed.GetValue(positional)!), _ => null, _ => "");
        var host = request.HostConfig!;

        Assert.Equal(["data:/data"], host.Binds);
        Assert.Equal(["/anon"], request.Volumes!.Keys);
        Assert.Equal("tmpfs", Assert.Single(host.Mounts!).Type);
        Assert.Equal("size=1m", host.Tmpfs!["/run"]);
        Assert.Equal(["other:ro"], host.VolumesFrom);
        Assert.True(host.ReadonlyRootfs);
        Assert.Equal(32L * 1024 * 1024, host.ShmSize);
    }
}
