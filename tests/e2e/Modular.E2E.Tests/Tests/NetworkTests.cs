using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Bridge networking through the real docker CLI: the default bridge, user-defined networks, IPAM, isolation, errors.</summary>
[Collection(DaemonCollection.Name)]
public sealed class NetworkTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task DefaultBridgeGivesAnAddressRouteAndReachesAServerOnTheHost()
    {
        var bridge = await daemon.Docker("network", "inspect", "--format", "{{(index .IPAM.Config 0).Gateway}} {{index .Options \"com.docker.network.bridge.name\"}}", "bridge");
        Assert.True(bridge.ExitCode == 0, bridge.ToString());
        var (gateway, bridgeName) = (bridge.Stdout.Split(' ')[0], bridge.Stdout.Split(' ')[1].Trim());
        Assert.Equal(daemon.BridgeName, bridgeName);

        using var listener = new TcpListener(IPAddress.Parse(gateway), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = AcceptLineAsync(listener);

        var run = await daemon.Docker("run", "--rm", "busybox", "sh", "-c",
            $"ip -4 addr show eth0 | grep -o 'inet [0-9./]*'; ip route | grep default; echo hello-host | nc -w 3 {gateway} {port}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"inet \d+\.\d+\.\d+\.\d+/\d+", run.Stdout);
        Assert.Contains($"default via {gateway} dev eth0", run.Stdout);
        Assert.Equal("hello-host", await accepted.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await AssertBridgeHasNoPortsAsync(bridgeName);
    }

    [Fact]
    public async Task ContainersOnAUserDefinedNetworkReachEachOtherAndNotOtherNetworks()
    {
        var network = Names.Unique("net");
        var other = Names.Unique("net");
        var server = Names.Unique("server");
        try
        {
            var create = await daemon.Docker("network", "create", "--subnet", "10.213.7.0/24", "--ip-range", "10.213.7.128/25",
                "--gateway", "10.213.7.1", "--aux-address", "reserved=10.213.7.128", "--label", "purpose=e2e", network);
            Assert.True(create.ExitCode == 0, create.ToString());
            var otherCreate = await daemon.Docker("network", "create", other);
            Assert.True(otherCreate.ExitCode == 0, otherCreate.ToString());

            var run = await daemon.Docker("run", "-d", "--name", server, "--network", network, "busybox", "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());
            var address = (await daemon.Docker("inspect", "--format", $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}", server)).Stdout.Trim();
            // The range starts at .128, which is an aux address: the first one handed out is .129.
            Assert.Equal("10.213.7.129", address);

            var ping = await daemon.Docker("run", "--rm", "--network", network, "--ip", "10.213.7.200", "busybox", "sh", "-c",
                $"ip -4 addr show eth0 | grep -o 'inet [0-9./]*'; ping -c 1 -W 2 {address}");
            Assert.True(ping.ExitCode == 0, ping.ToString());
            Assert.Contains("inet 10.213.7.200/24", ping.Stdout);

            var isolated = await daemon.Docker("run", "--rm", "--network", other, "busybox", "ping", "-c", "1", "-W", "1", address);
            Assert.NotEqual(0, isolated.ExitCode);

            var inspect = await daemon.Docker("network", "inspect", network);
            Assert.True(inspect.ExitCode == 0, inspect.ToString());
            using var document = JsonDocument.Parse(inspect.Stdout);
            var root = document.RootElement[0];
            Assert.Equal("10.213.7.0/24", root.GetProperty("IPAM").GetProperty("Config")[0].GetProperty("Subnet").GetString());
            Assert.Equal("e2e", root.GetProperty("Labels").GetProperty("purpose").GetString());
            var member = Assert.Single(root.GetProperty("Containers").EnumerateObject());
            Assert.Equal(server, member.Value.GetProperty("Name").GetString());
            Assert.Equal("10.213.7.129/24", member.Value.GetProperty("IPv4Address").GetString());

            var busy = await daemon.Docker("network", "rm", network);
            Assert.NotEqual(0, busy.ExitCode);
            Assert.Contains("has active endpoints", busy.Stderr);
            Assert.Contains(server, busy.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", server);
            await daemon.Docker("network", "rm", network, other);
        }
        var ls = await daemon.Docker("network", "ls", "--format", "{{.Name}}");
        Assert.DoesNotContain(network, ls.Stdout);
        Assert.DoesNotContain(other, ls.Stdout);
    }

    [Fact]
    public async Task AddressesAreReleasedWhenContainersStop()
    {
        var network = Names.Unique("net");
        try
        {
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.213.8.0/30", network)).ExitCode);
            // A /30 has one address besides the gateway: each run gets it again only if the previous one released it.
            for (var run = 0; run < 3; run++)
            {
                var result = await daemon.Docker("run", "--rm", "--network", network, "busybox", "sh", "-c", "ip -4 addr show eth0 | grep -o 'inet [0-9./]*'");
                Assert.True(result.ExitCode == 0, result.ToString());
                Assert.Equal("inet 10.213.8.2/30\n", result.Stdout);
            }
        }
        finally
        {
            await daemon.Docker("network", "rm", network);
        }
    }

    [Fact]
    public async Task BadNetworkRequestsFailAsInDocker()
    {
        var network = Names.Unique("net");
        try
        {
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.213.9.0/24", network)).ExitCode);

            var duplicate = await PostCreateAsync($$"""{"Name":"{{network}}"}""");
            Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
            Assert.Contains($"network with name {network} already exists", duplicate.Body);

            var invalid = await PostCreateAsync($$$"""{"Name":"{{{network}}}-x","IPAM":{"Config":[{"Subnet":"10.213.10.0/33"}]}}""");
            Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
            Assert.Contains("invalid CIDR address: 10.213.10.0/33", invalid.Body);

            var outside = await PostCreateAsync($$$"""{"Name":"{{{network}}}-y","IPAM":{"Config":[{"Subnet":"10.213.11.0/24","Gateway":"10.213.12.1"}]}}""");
            Assert.Equal(HttpStatusCode.BadRequest, outside.Status);
            Assert.Contains("no matching subnet for gateway 10.213.12.1", outside.Body);

            var overlap = await daemon.Docker("network", "create", "--subnet", "10.213.9.128/25", network + "-z");
            Assert.NotEqual(0, overlap.ExitCode);
            Assert.Contains("Pool overlaps with other one on this address space", overlap.Stderr);

            var predefined = await daemon.Docker("network", "rm", "bridge");
            Assert.NotEqual(0, predefined.ExitCode);
            Assert.Contains("bridge is a pre-defined network and cannot be removed", predefined.Stderr);

            var staticOnDefault = await daemon.Docker("run", "--rm", "--ip", "172.30.0.9", "busybox", "true");
            Assert.NotEqual(0, staticOnDefault.ExitCode);
            Assert.Contains("user specified IP address is supported on user defined networks only", staticOnDefault.Stderr);
        }
        finally
        {
            await daemon.Docker("network", "rm", network);
        }
        var names = (await daemon.Docker("network", "ls", "--format", "{{.Name}}")).Stdout;
        Assert.DoesNotContain(network, names);
    }

    [Fact]
    public async Task RemovedNetworkLeavesNoBridgeOrRules()
    {
        var network = Names.Unique("net");
        var create = await daemon.Docker("network", "create", "-o", "com.docker.network.bridge.enable_icc=false", network);
        Assert.True(create.ExitCode == 0, create.ToString());
        var bridgeName = "br-" + create.Stdout.Trim()[..12];
        Assert.True(Directory.Exists($"/sys/class/net/{bridgeName}"));
        Assert.Equal(0, (await CommandRunner.RunAsync("nft", ["list", "table", "inet", "modular-" + bridgeName])).ExitCode);

        // enable_icc=false: containers of the network cannot reach each other, but still reach their gateway.
        var server = Names.Unique("server");
        try
        {
            Assert.Equal(0, (await daemon.Docker("run", "-d", "--name", server, "--network", network, "busybox", "sleep", "300")).ExitCode);
            var address = (await daemon.Docker("inspect", "--format", $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}", server)).Stdout.Trim();
            var gateway = (await daemon.Docker("inspect", "--format", $"{{{{(index .NetworkSettings.Networks \"{network}\").Gateway}}}}", server)).Stdout.Trim();
            var run = await daemon.Docker("run", "--rm", "--network", network, "busybox", "sh", "-c",
                $"ping -c 1 -W 2 {gateway} && ! ping -c 1 -W 1 {address}");
            Assert.True(run.ExitCode == 0, run.ToString());
        }
        finally
        {
            await daemon.Docker("rm", "-f", server);
        }
        await AssertBridgeHasNoPortsAsync(bridgeName);

        Assert.Equal(0, (await daemon.Docker("network", "rm", network)).ExitCode);
        Assert.False(Directory.Exists($"/sys/class/net/{bridgeName}"));
        Assert.NotEqual(0, (await CommandRunner.RunAsync("nft", ["list", "table", "inet", "modular-" + bridgeName])).ExitCode);
    }

    /// <summary>The host end of a veth goes when its container exits; the exit monitor may lag the CLI by a moment.</summary>
    internal static async Task AssertBridgeHasNoPortsAsync(string bridge)
    {
        var folder = $"/sys/class/net/{bridge}/brif";
        for (var attempt = 0; attempt < 50 && Directory.EnumerateFileSystemEntries(folder).Any(); attempt++)
        {
            await Task.Delay(100);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    private async Task<(HttpStatusCode Status, string Body)> PostCreateAsync(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await daemon.Api.PostAsync("networks/create", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> AcceptLineAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        using var reader = new StreamReader(client.GetStream());
        return (await reader.ReadLineAsync())?.Trim() ?? "";
    }
}
