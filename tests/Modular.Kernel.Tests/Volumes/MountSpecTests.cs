using Modular.Api.Models;
using Modular.Kernel.Containers.Mounts;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Volumes;

public sealed class MountSpecTests
{
    [Fact]
    public void AVolumeMountKeepsNocopySubpathAndItsRequest()
    {
        var request = new Mount
        {
            Type = "volume", Source = "data", Target = "/d/", ReadOnly = true,
            VolumeOptions = new VolumeOptions { NoCopy = true, Subpath = "a/b" },
        };

        var mount = MountSpec.Parse(request);

        Assert.Equal("/d", mount.Destination);
        Assert.Equal("data", mount.Name);
        Assert.True(mount.ReadOnly);
        Assert.False(mount.CopyData);
        Assert.Equal("a/b", mount.Subpath);
        Assert.Same(request, mount.Request);
        Assert.Equal("", mount.Mode);
    }

    [Fact]
    public void ATmpfsMountBecomesDockerOptions()
    {
        var mount = MountSpec.Parse(new Mount
        {
            Type = "tmpfs", Target = "/t", ReadOnly = true,
            TmpfsOptions = new TmpfsOptions { SizeBytes = 3 * 1024 * 1024, Mode = Convert.ToUInt32("1770", 8) },
        });

        Assert.Equal("ro,size=3m,mode=1770", mount.TmpfsOptions);
    }

    [Fact]
    public void CreateMountpointAllowsAMissingBindSource()
    {
        var missing = $"/nonexistent-{Guid.NewGuid():N}";

        var refused = Assert.Throws<DriverException>(() => MountSpec.Parse(new Mount { Type = "bind", Source = missing, Target = "/m" }));
        var allowed = MountSpec.Parse(new Mount { Type = "bind", Source = missing, Target = "/m", BindOptions = new BindOptions { CreateMountpoint = true } });

        Assert.Equal($"invalid mount config for type \"bind\": bind source path does not exist: {missing}", refused.Message);
        Assert.True(allowed.CreateSource);
    }

    [Theory]
    [InlineData("nfs", "/x", null, "invalid mount config for type \"nfs\": mount type unknown")]
    [InlineData("bind", "", "/tmp", "invalid mount config for type \"bind\": field Target must not be empty")]
    [InlineData("bind", "x", "/tmp", "invalid mount config for type \"bind\": invalid mount path: 'x' mount path must be absolute")]
    [InlineData("bind", "/x", "", "invalid mount config for type \"bind\": field Source must not be empty")]
    [InlineData("bind", "/x", "tmp", "invalid mount config for type \"bind\": invalid mount path: 'tmp' mount path must be absolute")]
    [InlineData("tmpfs", "/x", "/tmp", "invalid mount config for type \"tmpfs\": field Source must not be specified")]
    [InlineData("volume", "/x", "a/b", "\"a/b\" includes invalid characters for a local volume name")]
    public void BadMountsNameTheField(string type, string target, string? source, string message)
    {
        var error = Assert.Throws<DriverException>(() => MountSpec.Parse(new Mount { Type = type, Target = target, Source = source }));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void OptionsOfAnotherTypeAreRefused()
    {
        var bindOnVolume = Assert.Throws<DriverException>(() => MountSpec.Parse(new Mount { Type = "volume", Target = "/x", BindOptions = new BindOptions() }));
        var escape = Assert.Throws<DriverException>(() => MountSpec.Parse(new Mount
        {
            Type = "volume", Source = "v1", Target = "/x", VolumeOptions = new VolumeOptions { Subpath = "../up" },
        }));

        Assert.Contains("field BindOptions must not be specified", bindOnVolume.Message);
        Assert.Contains("subpath must be a relative path within the volume", escape.Message);
    }

    [Fact]
    public void TmpfsOptionsMergeOverDockerDefaults()
    {
        Assert.Equal(["noexec", "nosuid", "nodev"], TmpfsSpec.Merge(""));
        Assert.Equal(["nosuid", "nodev", "exec", "size=64m"], TmpfsSpec.Merge("exec,size=32m,size=64m"));
        Assert.Equal(["noexec", "nosuid", "nodev", "ro"], TmpfsSpec.Merge("rw,ro"));
    }
}
