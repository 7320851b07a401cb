using Modular.Kernel.Images.Distribution;
using Xunit;

namespace Modular.Kernel.Tests.Distribution;

public sealed class RegistrySettingsTests
{
    [Theory]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("localhost:5000", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("registry.example:5000", false)]
    [InlineData("10.1.2.3:443", true)]
    [InlineData("10.2.0.1", false)]
    [InlineData("insecure.example", true)]
    public void Loopback_listed_hosts_and_cidrs_are_insecure(string host, bool insecure)
    {
        var settings = new RegistrySettings(["insecure.example", "10.1.0.0/16"], []);

        Assert.Equal(insecure, settings.IsInsecure(host));
    }

    [Fact]
    public void Mirrors_come_first_for_pulls_only_and_serve_the_registry_they_name()
    {
        var settings = new RegistrySettings([], ["https://hub-mirror.example", "ghcr.io=https://ghcr-mirror.example:5000"]);

        Assert.Equal(["https://hub-mirror.example/", "https://registry-1.docker.io/"],
            settings.EndpointsFor("docker.io", forPush: false).Select(e => e.BaseUri.ToString()));
        Assert.Equal(["https://ghcr-mirror.example:5000/", "https://ghcr.io/"],
            settings.EndpointsFor("ghcr.io", forPush: false).Select(e => e.BaseUri.ToString()));
        Assert.Equal(["https://ghcr.io/"], settings.EndpointsFor("ghcr.io", forPush: true).Select(e => e.BaseUri.ToString()));
    }

    [Fact]
    public void An_insecure_registry_is_tried_over_unverified_https_then_http()
    {
        var endpoints = new RegistrySettings([], []).EndpointsFor("127.0.0.1:5000", forPush: true);

        Assert.Equal([("https://127.0.0.1:5000/", true), ("http://127.0.0.1:5000/", false)],
            endpoints.Select(e => (e.BaseUri.ToString(), e.SkipTlsVerify)));
    }

    [Theory]
    [InlineData("ftp://mirror.example")]
    [InlineData("https://mirror.example/some/path")]
    [InlineData("not a url")]
    public void A_malformed_mirror_is_refused(string mirror)
    {
        Assert.Throws<FormatException>(() => RegistrySettings.ParseMirror(mirror));
    }
}
