using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>docker network connect/disconnect on running and stopped containers, prune and ls filters, with Docker's errors.</summary>
[Collection(DaemonCollection.Name)]
public sealed class NetworkConnectTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task ARunningContainerIsConnectedAndDisconnectedLiveAndConnectingTwiceIsRefused()
    {
        var network = Names.Unique("connnet");
        var peer = Names.Unique("connpeer");
        var mover = Names.Unique("connmover");
        try
        {
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.219.3.0/24", network)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("run", "-d", "--name", peer, "--network", network, "busybox", "sleep", "300")).ExitCode);
            Assert.Equal(0, (await daemon.Docker("run", "-d", "--name", mover, "busybox", "sleep", "300")).ExitCode);

            var connect = await daemon.Docker("network", "connect", "--alias", "mover-alias", "--ip", "10.219.3.50", network, mover);
            Assert.True(connect.ExitCode == 0, connect.ToString());
            var interfaces = await daemon.Docker("exec", mover, "ip", "-4", "-o", "addr", "show");
            var reachPeer = await daemon.Docker("exec", mover, "ping", "-c", "1", "-W", "2", peer);
            var peerFindsAlias = await daemon.Docker("exec", peer, "nslookup", "mover-alias");
            var networks = await daemon.Docker("inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}", mover);
            var twice = await daemon.Docker("network", "connect", network, mover);

            Assert.Matches(@"eth1\s+inet 10\.219\.3\.50/24", interfaces.Stdout);
            Assert.True(reachPeer.ExitCode == 0, reachPeer.ToString());
            Assert.True(peerFindsAlias.ExitCode == 0, peerFindsAlias.ToString());
            Assert.Contains("Address: 10.219.3.50", peerFindsAlias.Stdout);
            Assert.Contains($"{network}=10.219.3.50", networks.Stdout);
            Assert.Contains("bridge=", networks.Stdout);
            Assert.NotEqual(0, twice.ExitCode);
            Assert.Contains($"endpoint with name {mover} already exists in network {network}", twice.Stderr);

            var disconnect = await daemon.Docker("network", "disconnect", network, mover);
            Assert.True(disconnect.ExitCode == 0, disconnect.ToString());
            var after = await daemon.Docker("exec", mover, "ip", "-4", "-o", "addr", "show");
            var aliasGone = await daemon.Docker("exec", peer, "nslookup", "mover-alias");
            var again = await daemon.Docker("network", "disconnect", network, mover);

            Assert.DoesNotContain("10.219.3.50", after.Stdout);
            Assert.Contains("eth0", after.Stdout);
            Assert.DoesNotContain("Address: 10.219.3.50", aliasGone.Stdout);
            Assert.NotEqual(0, again.ExitCode);
            Assert.Contains("is not connected to the network", again.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", peer, mover);
            await daemon.Docker("network", "rm", network);
        }
    }

    [Fact]
    public async Task AStoppedContainerConnectedToANetworkJoinsItAtItsNextStart()
    {
        var network = Names.Unique("connstop");
        var name = Names.Unique("connstopped");
        try
        {
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.219.4.0/24", network)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("create", "--name", name, "busybox", "ip", "-4", "-o", "addr", "show")).ExitCode);

            var connect = await daemon.Docker("network", "connect", network, name);
            var twice = await daemon.Docker("network", "connect", network, name);
            var start = await daemon.Docker("start", "-a", name);

            Assert.True(connect.ExitCode == 0, connect.ToString());
            Assert.Contains($"endpoint with name {name} already exists in network {network}", twice.Stderr);
            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.Contains("eth0", start.Stdout);
            Assert.Contains("eth1", start.Stdout);
            Assert.Contains("inet 10.219.4.", start.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
            await daemon.Docker("network", "rm", network);
        }
    }

    [Fact]
    public async Task ConnectingAHostNetworkContainerIsRefused()
    {
        var network = Names.Unique("connhost");
        var name = Names.Unique("connhostc");
        try
        {
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.219.5.0/24", network)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("create", "--name", name, "--network", "host", "busybox", "true")).ExitCode);

            var connect = await daemon.Docker("network", "connect", network, name);

            Assert.NotEqual(0, connect.ExitCode);
            Assert.Contains("container cannot be disconnected from host network or connected to host network", connect.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
            await daemon.Docker("network", "rm", network);
        }
    }

    [Fact]
    public async Task LsFiltersByLabelTypeDriverAndDanglingAndPruneRemovesOnlyUnusedNetworks()
    {
        var label = "e2e-netfilter=" + Names.Unique("l");
        var used = Names.Unique("fused");
        var unused = Names.Unique("funused");
        var container = Names.Unique("fuser");
        try
        {
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.219.6.0/24", "--label", label, used)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.219.7.0/24", "--label", label, unused)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("create", "--name", container, "--network", used, "busybox", "true")).ExitCode);

            var byLabel = await daemon.Docker("network", "ls", "--filter", $"label={label}", "--format", "{{.Name}}");
            var builtin = await daemon.Docker("network", "ls", "--filter", "type=builtin", "--format", "{{.Name}}");
            var custom = await daemon.Docker("network", "ls", "--filter", "type=custom", "--filter", $"label={label}", "--format", "{{.Name}}");
            var byDriver = await daemon.Docker("network", "ls", "--filter", "driver=host", "--format", "{{.Name}}");
            var bogus = await daemon.Docker("network", "ls", "--filter", "colour=blue");
            var prune = await daemon.Docker("network", "prune", "--force", "--filter", $"label={label}");
            var left = await daemon.Docker("network", "ls", "--filter", $"label={label}", "--format", "{{.Name}}");

            Assert.Equal(new[] { unused, used }.Order(StringComparer.Ordinal), byLabel.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
            Assert.Equal(["bridge", "host", "none"], builtin.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
            Assert.Equal(2, custom.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal("host\n", byDriver.Stdout);
            Assert.NotEqual(0, bogus.ExitCode);
            Assert.Contains("invalid filter 'colour'", bogus.Stderr);
            Assert.True(prune.ExitCode == 0, prune.ToString());
            Assert.Equal($"Deleted Networks:\n{unused}\n\n", prune.Stdout);
            Assert.Equal($"{used}\n", left.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", container);
            await daemon.Docker("network", "rm", used, unused);
        }
    }

    [Fact]
    public async Task DanglingNetworksAreThoseWithoutContainers()
    {
        var label = "e2e-dangling=" + Names.Unique("l");
        var used = Names.Unique("dused");
        var unused = Names.Unique("dunused");
        var container = Names.Unique("duser");
        try
        {
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.219.8.0/24", "--label", label, used)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("network", "create", "--subnet", "10.219.9.0/24", "--label", label, unused)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("create", "--name", container, "--network", used, "busybox", "true")).ExitCode);

            var dangling = await daemon.Docker("network", "ls", "--filter", "dangling=true", "--filter", $"label={label}", "--format", "{{.Name}}");
            var notDangling = await daemon.Docker("network", "ls", "--filter", "dangling=false", "--filter", $"label={label}", "--format", "{{.Name}}");

            Assert.Equal($"{unused}\n", dangling.Stdout);
            Assert.Equal($"{used}\n", notDangling.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", container);
            await daemon.Docker("network", "rm", used, unused);
        }
    }
}
