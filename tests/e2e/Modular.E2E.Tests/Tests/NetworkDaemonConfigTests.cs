using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>The networking keys of daemon.json with a daemon of their own: default-address-pools used, unsupported values refused at start.</summary>
public sealed class NetworkDaemonConfigTests
{
    [Fact]
    public async Task NetworksWithoutSubnetGetTheirsFromDefaultAddressPools()
    {
        await using var daemon = new PrivateDaemon();
        await File.WriteAllTextAsync(Path.Combine(daemon.Root, "daemon.json"),
            """{ "default-address-pools": [ { "base": "10.213.64.0/22", "size": 24 } ] }""", TestContext.Current.CancellationToken);
        await daemon.InitializeAsync();
        var network = Names.Unique("pooled");

        var create = await daemon.Docker("network", "create", network);
        Assert.True(create.ExitCode == 0, create.ToString());

        // The default bridge took the pool's first /24, so the new network gets the second.
        var bridgeSubnet = await daemon.Docker("network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", "bridge");
        Assert.Equal("10.213.64.0/24 10.213.64.1\n", bridgeSubnet.Stdout);
        var subnet = await daemon.Docker("network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", network);
        Assert.Equal("10.213.65.0/24 10.213.65.1\n", subnet.Stdout);
        var address = await daemon.Docker("run", "--rm", "--network", network, "busybox", "sh", "-c", "ip -4 addr show eth0 | grep -o 'inet [0-9./]*'");
        Assert.True(address.ExitCode == 0, address.ToString());
        Assert.Equal("inet 10.213.65.2/24\n", address.Stdout);

        var remove = await daemon.Docker("network", "rm", network);
        Assert.True(remove.ExitCode == 0, remove.ToString());
    }

    [Theory]
    [InlineData("""{ "default-address-pools": [ { "base": "10.213.64.0/22", "size": 20 } ] }""", "invalid pool size 20")]
    [InlineData("""{ "default-address-pools": [ { "base": "10.213.64.0", "size": 24 } ] }""", "invalid base pool \"10.213.64.0\"")]
    [InlineData("""{ "default-address-pools": { "base": "10.213.64.0/22" } }""", "invalid value for \"default-address-pools\"")]
    [InlineData("""{ "firewall-backend": "ebpf" }""", "invalid firewall-backend: allowed values are \"iptables\" and \"nftables\"")]
    public async Task UnsupportedNetworkSettingsStopTheDaemonWithAMessage(string json, string expected)
    {
        var root = TempRoot.Create();
        try
        {
            var configFile = Path.Combine(root, "daemon.json");
            await File.WriteAllTextAsync(configFile, json, TestContext.Current.CancellationToken);

            var start = await CommandRunner.RunAsync(
                RepoLayout.Daemon,
                [
                    "-H", "unix://" + Path.Combine(root, "modulard.sock"),
                    "--data-root", Path.Combine(root, "data"),
                    "--exec-root", Path.Combine(root, "exec"),
                    "--pidfile", Path.Combine(root, "modulard.pid"),
                    "--config-file", configFile,
                    "--bridge", "none",
                ],
                timeout: TimeSpan.FromSeconds(20));

            Assert.False(start.TimedOut, "modulard kept running with " + json + "\n" + start);
            Assert.True(start.ExitCode != 0, start.ToString());
            Assert.Contains(expected, start.Stderr);
        }
        finally
        {
            var problems = await RootSweeper.SweepAsync(root, [Path.Combine(root, "exec", "runtime", "runc")]);
            Assert.Empty(problems);
        }
    }

    [Fact]
    public async Task UserlandProxyFalseAndTheNftablesBackendAreAccepted()
    {
        await using var daemon = new PrivateDaemon();
        await File.WriteAllTextAsync(Path.Combine(daemon.Root, "daemon.json"),
            """{ "userland-proxy": false, "firewall-backend": "nftables" }""", TestContext.Current.CancellationToken);
        await daemon.InitializeAsync();

        var info = await daemon.Docker("info", "--format", "{{json .Warnings}}");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.DoesNotContain("userland-proxy", info.Stdout);
        Assert.DoesNotContain("firewall-backend", info.Stdout);
    }
}
