using Modular.Kernel.Containers.Mounts;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Volumes;

public sealed class BindSpecTests
{
    [Fact]
    public void AnAbsoluteSourceIsABindWithDockerDefaults()
    {
        var mount = BindSpec.Parse("/srv/data/:/data");

        Assert.Equal(ContainerMount.BindType, mount.Type);
        Assert.Equal("/srv/data", mount.Source);
        Assert.Equal("/data", mount.Destination);
        Assert.False(mount.ReadOnly);
        Assert.Equal("rprivate", mount.Propagation);
        Assert.True(mount.CreateSource);
    }

    [Fact]
    public void ModesSetReadOnlyPropagationAndNocopy()
    {
        var bind = BindSpec.Parse("/srv:/s:ro,rshared");
        var volume = BindSpec.Parse("cache:/c:nocopy");

        Assert.True(bind.ReadOnly);
        Assert.Equal("rshared", bind.Propagation);
        Assert.Equal("ro,rshared", bind.Mode);
        Assert.Equal(ContainerMount.VolumeType, volume.Type);
        Assert.Equal("cache", volume.Name);
        Assert.False(volume.CopyData);
    }

    [Fact]
    public void ANameIsANamedVolumeAndADestinationAloneAnAnonymousOne()
    {
        var named = BindSpec.Parse("data:/data");
        var anonymous = BindSpec.Parse("/scratch");
        var anonymousReadOnly = BindSpec.Parse("/scratch:ro");

        Assert.Equal("data", named.Name);
        Assert.True(named.CopyData);
        Assert.False(named.Anonymous);
        Assert.Null(anonymous.Name);
        Assert.True(anonymous.Anonymous);
        Assert.Equal("/scratch", anonymousReadOnly.Destination);
        Assert.True(anonymousReadOnly.ReadOnly);
    }

    [Theory]
    [InlineData("a/b:/x", "\"a/b\" includes invalid characters for a local volume name")]
    [InlineData("data:relative", "mount path must be absolute")]
    [InlineData("/a:/b:rw,ro", "invalid mode: rw,ro")]
    [InlineData("/a:/b:bogus", "invalid mode: bogus")]
    [InlineData("/a:/b:c:d", "invalid volume specification: '/a:/b:c:d'")]
    [InlineData("/a:/b:nocopy", "invalid mode: nocopy")]
    [InlineData("x:/b", "volume name is too short")]
    public void BadSpecsAreInvalidArguments(string spec, string message)
    {
        var error = Assert.Throws<DriverException>(() => BindSpec.Parse(spec));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("/a/b/../c/", "/a/c")]
    [InlineData("/a//b/./c", "/a/b/c")]
    [InlineData("/../x", "/x")]
    [InlineData("/", "/")]
    public void PathsAreCleanedLikeGo(string path, string clean) => Assert.Equal(clean, MountPaths.Clean(path));
}
