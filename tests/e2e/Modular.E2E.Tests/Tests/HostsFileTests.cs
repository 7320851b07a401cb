using System.Net;
using System.Text;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// The generated /etc/hostname, /etc/hosts and /etc/resolv.conf, through the docker CLI: --hostname, --domainname,
/// --add-host, --dns, --dns-search, --dns-option, on networks that need no bridge (none, host).
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class HostsFileTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task HostsListsLocalhostTheExtraHostsAndHostnameFileHasTheFqdn()
    {
        var run = await daemon.Docker("run", "--rm", "--network", "none", "--hostname", "web", "--domainname", "example.com",
            "--add-host", "db:10.1.2.3", "--add-host", "v6db=fd00::5", "busybox", "sh", "-c", "cat /etc/hosts; echo ---; cat /etc/hostname; hostname");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::\tip6-localnet\nff00::\tip6-mcastprefix\n" +
            "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n10.1.2.3\tdb\nfd00::5\tv6db\n---\nweb.example.com\nweb\n",
            run.Stdout);
    }

    [Fact]
    public async Task TheDefaultHostnameIsTheShortIdAndTheFilesLiveInTheContainersFolder()
    {
        var name = Names.Unique("hostname");
        try
        {
            var run = await daemon.Docker("run", "--name", name, "--network", "none", "busybox", "cat", "/etc/hostname");
            var inspect = await daemon.Docker("inspect", "--format", "{{.Id}} {{.HostnamePath}} {{.HostsPath}} {{.ResolvConfPath}}", name);

            Assert.True(run.ExitCode == 0, run.ToString());
            var fields = inspect.Stdout.Trim().Split(' ');
            var id = fields[0];
            Assert.Equal(id[..12] + "\n", run.Stdout);
            var folder = Path.Combine(daemon.DataRoot, "containers", id);
            Assert.Equal([Path.Combine(folder, "hostname"), Path.Combine(folder, "hosts"), Path.Combine(folder, "resolv.conf")], fields[1..]);
            Assert.Equal(id[..12] + "\n", await File.ReadAllTextAsync(fields[1], TestContext.Current.CancellationToken));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task DnsFlagsOverrideTheHostsResolvConf()
    {
        var run = await daemon.Docker("run", "--rm", "--network", "none", "--dns", "192.0.2.53", "--dns", "192.0.2.54",
            "--dns-search", "a.example", "--dns-option", "ndots:2", "--dns-option", "edns0", "busybox", "cat", "/etc/resolv.conf");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch a.example\noptions ndots:2 edns0\n", run.Stdout);
        Assert.Contains("# Overrides: [nameservers search options]\n", run.Stdout);
        Assert.Contains("# Option ndots from: override\n", run.Stdout);
    }

    [Fact]
    public async Task WithoutDnsFlagsANoneContainerGetsTheHostsNameserversWithoutLoopbackOnes()
    {
        var expected = File.ReadAllLines("/etc/resolv.conf")
            .Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f is ["nameserver", _, ..] && IPAddress.TryParse(f[1], out var a) && !IPAddress.IsLoopback(a)
                && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .Select(f => f[1])
            .DefaultIfEmpty("8.8.8.8")
            .ToList();

        var run = await daemon.Docker("run", "--rm", "--network", "none", "busybox", "grep", "^nameserver", "/etc/resolv.conf");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith(string.Join("", expected.Select(a => $"nameserver {a}\n")), run.Stdout);
        Assert.DoesNotContain("nameserver 127.", run.Stdout);
    }

    [Fact]
    public async Task TheHostNetworkSeesTheHostsHostsFileAndHostname()
    {
        var run = await daemon.Docker("run", "--rm", "--network", "host", "busybox", "sh", "-c", "cat /etc/hosts; echo ---; hostname");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(await File.ReadAllTextAsync("/etc/hosts", TestContext.Current.CancellationToken) + "---\n" + Environment.MachineName + "\n", run.Stdout);
    }

    [Fact]
    public async Task MacAddressIsTheOneAskedForAndTheOwnHostsLineHasTheAddress()
    {
        var run = await daemon.Docker("run", "--rm", "--mac-address", "02:42:AC:11:FF:01", "--hostname", "macbox", "--add-host", "gw:host-gateway",
            "busybox", "sh", "-c", "cat /sys/class/net/eth0/address; ip -4 -o addr show eth0; tail -2 /etc/hosts");
        var bridgeGateway = (await daemon.Docker("network", "inspect", "--format", "{{(index .IPAM.Config 0).Gateway}}", "bridge")).Stdout.Trim();
        var badMac = await daemon.Docker("run", "--rm", "--network", "none", "--mac-address", "01:00:5e:00:00:01", "busybox", "true");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("02:42:ac:11:ff:01", lines[0]);
        var address = System.Text.RegularExpressions.Regex.Match(lines[1], @"inet (\d+\.\d+\.\d+\.\d+)/").Groups[1].Value;
        Assert.Equal($"{bridgeGateway}\tgw", lines[2]);
        Assert.Equal($"{address}\tmacbox", lines[3]);
        Assert.NotEqual(0, badMac.ExitCode);
    }

    [Fact]
    public async Task NetworkContainerModeJoinsTheOthersNamespaceAndSeesItsFiles()
    {
        var owner = Names.Unique("nsowner");
        var stopped = Names.Unique("nsstopped");
        try
        {
            Assert.Equal(0, (await daemon.Docker("run", "-d", "--name", owner, "--hostname", "ownerhost", "busybox", "sleep", "300")).ExitCode);
            Assert.Equal(0, (await daemon.Docker("create", "--name", stopped, "busybox", "true")).ExitCode);
            var ownerAddress = (await daemon.Docker("inspect", "--format", "{{.NetworkSettings.IPAddress}}", owner)).Stdout.Trim();

            var joined = await daemon.Docker("run", "--rm", "--network", $"container:{owner}", "busybox", "sh", "-c",
                "ip -4 -o addr show eth0; hostname; tail -1 /etc/hosts");
            var notRunning = await daemon.Docker("run", "--rm", "--network", $"container:{stopped}", "busybox", "true");
            var conflicting = await daemon.Docker("run", "--rm", "--network", $"container:{owner}", "--hostname", "x", "busybox", "true");
            var missing = await daemon.Docker("run", "--rm", "--network", "container:no-such-container-e2e", "busybox", "true");

            Assert.True(joined.ExitCode == 0, joined.ToString());
            Assert.Contains($"inet {ownerAddress}/", joined.Stdout);
            Assert.EndsWith($"ownerhost\n{ownerAddress}\townerhost\n", joined.Stdout);
            Assert.NotEqual(0, notRunning.ExitCode);
            Assert.Contains("cannot join network namespace of a non running container", notRunning.Stderr);
            Assert.Contains("conflicting options: hostname and the network mode", conflicting.Stderr);
            Assert.Contains("No such container: no-such-container-e2e", missing.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", owner, stopped);
        }
    }

    [Theory]
    [InlineData("{\"Image\":\"busybox\",\"HostConfig\":{\"NetworkMode\":\"none\",\"ExtraHosts\":[\"nocolon\"]}}", "bad format for add-host: \"nocolon\"")]
    [InlineData("{\"Image\":\"busybox\",\"HostConfig\":{\"NetworkMode\":\"none\",\"ExtraHosts\":[\"db:300.1.1.1\"]}}", "invalid IP address in add-host: \"300.1.1.1\"")]
    [InlineData("{\"Image\":\"busybox\",\"HostConfig\":{\"NetworkMode\":\"none\",\"Dns\":[\"nameserver\"]}}", "IP address is not correctly formatted: nameserver")]
    public async Task MalformedAddHostOrDnsIsRefusedAtCreate(string body, string message)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await daemon.Api.PostAsync("containers/create", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("message").GetString());
    }
}
