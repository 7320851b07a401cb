using System.Net;
using System.Net.Sockets;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// Published ports through the docker CLI on daemons configured with daemon.json's <c>userland-proxy: true</c> and
/// <c>firewall-backend: iptables</c>: served to curl on 127.0.0.1, a taken port refused with Docker's message, and after
/// <c>rm</c> and <c>network rm</c> no listener and no rule (nft element or MODULAR-* chain) left.
/// </summary>
public sealed class PublishedPortModesTests
{
    private const string Server = "mkdir -p /www && echo served-by-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

    [Fact]
    public async Task WithTheUserlandProxyLoopbackClientsAreServedByTheProxy()
    {
        await using var daemon = await StartAsync("""{ "userland-proxy": true }""");

        var bridge = await PublishServeRefuseAndRemoveAsync(daemon, "10.213.70");

        // Loopback sources are not routable out of a bridge without route_localnet: 127.0.0.1 can only have been served
        // by the proxy, not by DNAT.
        Assert.Equal("0", (await File.ReadAllTextAsync($"/proc/sys/net/ipv4/conf/{daemon.BridgeName}/route_localnet", TestContext.Current.CancellationToken)).Trim());
        Assert.DoesNotContain(bridge, (await Run("nft", "list", "tables")).Stdout);
    }

    [Fact]
    public async Task WithTheIptablesBackendRulesAreModularChainsRemovedWithTheNetwork()
    {
        await using var daemon = await StartAsync("""{ "firewall-backend": "iptables" }""");
        var tables = (await Run("nft", "list", "tables")).Stdout;
        Assert.DoesNotContain("modular-" + daemon.BridgeName + "\n", tables);
        Assert.Contains($":MODULAR-DNAT-{daemon.BridgeName} ", (await Run("iptables-save", "-t", "nat")).Stdout);

        var bridge = await PublishServeRefuseAndRemoveAsync(daemon, "10.213.71");

        Assert.DoesNotContain(bridge, (await Run("iptables-save")).Stdout);
    }

    [Fact]
    public async Task WithTheIptablesBackendAndTheProxyBothServe()
    {
        await using var daemon = await StartAsync("""{ "firewall-backend": "iptables", "userland-proxy": true }""");

        var bridge = await PublishServeRefuseAndRemoveAsync(daemon, "10.213.72");

        Assert.DoesNotContain(bridge, (await Run("iptables-save")).Stdout);
    }

    private static async Task<PrivateDaemon> StartAsync(string json)
    {
        var daemon = new PrivateDaemon();
        await File.WriteAllTextAsync(Path.Combine(daemon.Root, "daemon.json"), json, TestContext.Current.CancellationToken);
        await daemon.InitializeAsync();
        return daemon;
    }

    /// <summary>The scenario on a user-defined network of its own; returns the network's bridge name, gone by then.</summary>
    private static async Task<string> PublishServeRefuseAndRemoveAsync(PrivateDaemon daemon, string subnet)
    {
        var network = Names.Unique("ports");
        var name = Names.Unique("web");
        var refused = Names.Unique("web");
        var hostPort = FreePort();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var heldPort = ((IPEndPoint)holder.LocalEndpoint).Port;
        var create = await daemon.Docker("network", "create", "--subnet", $"{subnet}.0/24", network);
        Assert.True(create.ExitCode == 0, create.ToString());
        var bridge = "br-" + create.Stdout.Trim()[..12];
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "--hostname", "web1", "--network", network, "-p", $"127.0.0.1:{hostPort}:80", "busybox", "sh", "-c", Server);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("served-by-web1\n", await CurlAsync($"http://127.0.0.1:{hostPort}/index.html"));
            Assert.True(PortInUse(hostPort), $"nothing listens on published port {hostPort}");

            var taken = await daemon.Docker("run", "-d", "--name", refused, "--network", network, "-p", $"127.0.0.1:{heldPort}:80", "busybox", "sleep", "300");
            Assert.NotEqual(0, taken.ExitCode);
            Assert.Contains($"Bind for 127.0.0.1:{heldPort} failed: port is already allocated", taken.Stderr);
            Assert.Equal("created\n", (await daemon.Docker("inspect", "--format", "{{.State.Status}}", refused)).Stdout);
            // Only the serving container is plugged into the bridge: the refused one left no veth behind.
            Assert.Single(Directory.GetFileSystemEntries($"/sys/class/net/{bridge}/brif"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name, refused);
        }
        Assert.False(PortInUse(hostPort), $"something still listens on published port {hostPort} after rm");
        Assert.DoesNotContain($"dport {hostPort}", (await Run("iptables-save")).Stdout);
        Assert.DoesNotContain($". {hostPort} :", (await Run("nft", "list", "ruleset")).Stdout);
        var remove = await daemon.Docker("network", "rm", network);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        return bridge;
    }

    private static async Task<string> CurlAsync(string url)
    {
        CommandResult? last = null;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            last = await Run("curl", "-sf", "--max-time", "2", url);
            if (last.ExitCode == 0)
            {
                return last.Stdout;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        throw new InvalidOperationException($"curl {url} never succeeded: {last}");
    }

    private static bool PortInUse(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }

    private static Task<CommandResult> Run(string program, params string[] arguments) =>
        CommandRunner.RunAsync(program, arguments, timeout: TimeSpan.FromSeconds(20));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
