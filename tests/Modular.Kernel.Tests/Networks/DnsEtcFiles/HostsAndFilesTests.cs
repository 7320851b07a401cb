using System.Net;
using Modular.Api.Models;
using Modular.Kernel.Networks.EtcFiles;
using Modular.Kernel.Tests.Containers;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Networks.DnsEtcFiles;

public sealed class HostsAndFilesTests
{
    [Fact]
    public void Hosts_lists_localhost_then_extra_hosts_then_the_container_with_its_fqdn_and_short_name()
    {
        var hosts = HostsFile.Build(
            [new HostsRecord(IPAddress.Parse("10.1.2.3"), "db")],
            HostsFile.OwnRecords([IPAddress.Parse("172.18.0.2")], "web", "example.com"),
            ipv6: true);

        Assert.Equal(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::\tip6-localnet\nff00::\tip6-mcastprefix\n" +
            "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n10.1.2.3\tdb\n172.18.0.2\tweb.example.com web\n", hosts);
    }

    [Fact]
    public void Without_ipv6_the_ipv6_lines_are_left_out()
    {
        var hosts = HostsFile.Build([new HostsRecord(IPAddress.Parse("::5"), "six")], [], ipv6: false);

        Assert.Equal("127.0.0.1\tlocalhost\n", hosts);
    }

    [Fact]
    public void Extra_hosts_split_at_the_first_colon_and_host_gateway_takes_the_gateway_address()
    {
        var records = ExtraHosts.Resolve(["v6:fd00::1", "gw:host-gateway", "plain:10.0.0.9"], [IPAddress.Parse("172.17.0.1")]);

        Assert.Equal(
            [new HostsRecord(IPAddress.Parse("fd00::1"), "v6"), new HostsRecord(IPAddress.Parse("172.17.0.1"), "gw"), new HostsRecord(IPAddress.Parse("10.0.0.9"), "plain")],
            records);
    }

    [Fact]
    public void Host_gateway_without_a_default_bridge_is_refused_as_dockerd_does()
    {
        var error = Assert.Throws<DriverException>(() => ExtraHosts.Resolve(["gw:host-gateway"], []));

        Assert.Equal("unable to derive the IP value for host-gateway", error.Message);
    }

    [Theory]
    [InlineData("nocolon", "bad format for add-host: \"nocolon\"")]
    [InlineData(":1.2.3.4", "bad format for add-host: \":1.2.3.4\"")]
    [InlineData("name:1.2", "invalid IP address in add-host: \"1.2\"")]
    [InlineData("name:bogus", "invalid IP address in add-host: \"bogus\"")]
    public void Malformed_extra_hosts_are_refused_with_dockerds_message(string entry, string message)
    {
        var error = Assert.Throws<DriverException>(() => ExtraHosts.Validate([entry]));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_malformed_dns_server_is_refused()
    {
        var error = Assert.Throws<DriverException>(() => ContainerEtcFiles.Validate(new HostConfig { Dns = ["8.8.8.8", "not-an-ip"] }));

        Assert.Equal("IP address is not correctly formatted: not-an-ip", error.Message);
    }

    [Fact]
    public void Rewrites_keep_the_same_inode_so_bind_mounts_see_them_and_a_user_edit_of_resolv_conf_is_kept()
    {
        using var folder = new TempFolder("etcfiles");
        var hostResolvConf = folder.Write("host-resolv.conf", "nameserver 10.0.0.2\n");
        var input = new EtcFilesInput("abc", "", ResolutionMode.EmbeddedResolver, [IPAddress.Parse("172.18.0.5")],
            new HostConfig { ExtraHosts = ["db:10.9.9.9"] }, [], hostResolvConf);
        var target = folder.Combine("container");

        var upstreams = ContainerEtcFiles.Write(target, input);
        var inodeBefore = Sdk.Syscalls.LinuxSyscalls.LStat(ContainerEtcFiles.HostsPath(target)).Inode;
        ContainerEtcFiles.WriteHosts(target, input with { OwnAddresses = [IPAddress.Parse("172.18.0.6")] });

        Assert.Equal([new ExternalNameServer(IPAddress.Parse("10.0.0.2"), true)], upstreams);
        Assert.Equal("abc\n", File.ReadAllText(ContainerEtcFiles.HostnamePath(target)));
        Assert.Equal(inodeBefore, Sdk.Syscalls.LinuxSyscalls.LStat(ContainerEtcFiles.HostsPath(target)).Inode);
        Assert.EndsWith("10.9.9.9\tdb\n172.18.0.6\tabc\n", File.ReadAllText(ContainerEtcFiles.HostsPath(target)));
        Assert.StartsWith(ResolvConf.Header + "\n\nnameserver 127.0.0.11\n", File.ReadAllText(ContainerEtcFiles.ResolvConfPath(target)));

        File.WriteAllText(ContainerEtcFiles.ResolvConfPath(target), "nameserver 9.9.9.9\n");
        ContainerEtcFiles.WriteResolvConf(target, input with { Mode = ResolutionMode.Legacy });

        Assert.Equal("nameserver 9.9.9.9\n", File.ReadAllText(ContainerEtcFiles.ResolvConfPath(target)));
    }

    [Fact]
    public void Files_that_already_hold_their_content_are_not_written_again()
    {
        using var folder = new TempFolder("etcfiles");
        var input = new EtcFilesInput("abc", "", ResolutionMode.Legacy, [], new HostConfig(), [], folder.Write("r", "nameserver 10.0.0.2\n"));
        var target = folder.Combine("container");
        ContainerEtcFiles.Write(target, input);
        string[] files = [ContainerEtcFiles.HostnamePath(target), ContainerEtcFiles.HostsPath(target), ContainerEtcFiles.ResolvConfPath(target)];
        var longAgo = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var file in files)
        {
            File.SetLastWriteTimeUtc(file, longAgo);
        }

        ContainerEtcFiles.Write(target, input);
        var unchanged = files.Select(File.GetLastWriteTimeUtc).ToList();
        ContainerEtcFiles.WriteHosts(target, input with { OwnAddresses = [IPAddress.Parse("172.18.0.6")] });

        Assert.All(unchanged, time => Assert.Equal(longAgo, time));
        Assert.NotEqual(longAgo, File.GetLastWriteTimeUtc(ContainerEtcFiles.HostsPath(target)));
        Assert.EndsWith("172.18.0.6\tabc\n", File.ReadAllText(ContainerEtcFiles.HostsPath(target)));
    }

    [Fact]
    public void The_host_network_sees_the_hosts_own_hosts_file_unless_extra_hosts_are_asked_for()
    {
        using var folder = new TempFolder("etcfiles");
        var input = new EtcFilesInput("myhost", "", ResolutionMode.HostNamespace, [], new HostConfig(), [], folder.Write("r", "nameserver 127.0.0.53\n"));

        ContainerEtcFiles.Write(folder.Path, input);
        var plain = File.ReadAllText(ContainerEtcFiles.HostsPath(folder.Path));
        var resolv = File.ReadAllText(ContainerEtcFiles.ResolvConfPath(folder.Path));
        ContainerEtcFiles.Write(folder.Path, input with { HostConfig = new HostConfig { ExtraHosts = ["x:1.2.3.4"] } });

        Assert.Equal(File.ReadAllText("/etc/hosts"), plain);
        Assert.Contains("nameserver 127.0.0.53\n", resolv);
        Assert.StartsWith("127.0.0.1\tlocalhost\n", File.ReadAllText(ContainerEtcFiles.HostsPath(folder.Path)));
        Assert.Contains("1.2.3.4\tx\n", File.ReadAllText(ContainerEtcFiles.HostsPath(folder.Path)));
    }
}
