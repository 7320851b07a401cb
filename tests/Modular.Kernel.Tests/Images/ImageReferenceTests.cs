using Xunit;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox", null, "busybox")]
    [InlineData("busybox:1.36", "docker.io/library/busybox", "1.36", "busybox:1.36")]
    [InlineData("docker.io/library/busybox:latest", "docker.io/library/busybox", "latest", "busybox:latest")]
    [InlineData("index.docker.io/library/busybox", "docker.io/library/busybox", null, "busybox")]
    [InlineData("user/app:v2", "docker.io/user/app", "v2", "user/app:v2")]
    [InlineData("myreg:5000/a/b:1.0", "myreg:5000/a/b", "1.0", "myreg:5000/a/b:1.0")]
    [InlineData("localhost/app", "localhost/app", null, "localhost/app")]
    [InlineData("Host.example/app", "Host.example/app", null, "Host.example/app")]
    [InlineData("a_b-c__d/f---g.h", "docker.io/a_b-c__d/f---g.h", null, "a_b-c__d/f---g.h")]
    [InlineData("a.b/c", "a.b/c", null, "a.b/c")]
    public void Normalizes_names_as_docker_does(string text, string repository, string? tag, string familiar)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(familiar, reference.Familiar);
    }

    [Fact]
    public void Adds_latest_only_when_there_is_neither_tag_nor_digest()
    {
        Assert.Equal("busybox:latest", ImageReference.Parse("busybox").WithDefaultTag().Familiar);
        Assert.Equal("docker.io/library/busybox:latest", ImageReference.Parse("busybox").WithDefaultTag().ToString());
        var digest = "sha256:" + new string('a', 64);
        var pinned = ImageReference.Parse("busybox@" + digest).WithDefaultTag();
        Assert.Null(pinned.Tag);
        Assert.Equal(digest, pinned.Digest);
        Assert.Equal("busybox@" + digest, pinned.Familiar);
    }

    [Theory]
    [InlineData("Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase")]
    [InlineData("user/App:1", "invalid reference format: repository name (user/App) must be lowercase")]
    [InlineData("a b", "invalid reference format")]
    [InlineData("", "invalid reference format")]
    [InlineData("busybox:", "invalid reference format")]
    [InlineData("busybox:-tag", "invalid reference format")]
    [InlineData("-busybox", "invalid reference format")]
    [InlineData("busybox@sha256:abc", "invalid reference format")]
    [InlineData("a//b", "invalid reference format")]
    public void Rejects_malformed_references_with_dockers_messages(string text, string message)
    {
        var error = Assert.Throws<DriverException>(() => ImageReference.Parse(text));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Refuses_a_64_hex_name()
    {
        var hex = new string('f', 64);

        var error = Assert.Throws<DriverException>(() => ImageReference.Parse(hex));

        Assert.Equal($"invalid repository name ({hex}), cannot specify 64-byte hexadecimal strings", error.Message);
    }

    [Fact]
    public void Limits_tags_to_128_characters()
    {
        Assert.Equal(128, ImageReference.Parse("a:" + new string('t', 128)).Tag!.Length);
        Assert.Throws<DriverException>(() => ImageReference.Parse("a:" + new string('t', 129)));
    }
}
