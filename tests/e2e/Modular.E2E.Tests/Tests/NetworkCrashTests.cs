using System.Net;
using System.Net.Sockets;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// Kills its own daemon with SIGKILL, then the container while the daemon is away (containers outlive the daemon, so
/// only one that ends meanwhile is dead at the next start): what it held on the network is released then.
/// </summary>
public sealed class NetworkCrashTests
{
    [Fact]
    public async Task AfterSigkillAddressesPortsAndVethsOfTheDeadContainersAreReleased()
    {
        await using var daemon = new PrivateDaemon();
        await daemon.InitializeAsync();
        var network = Names.Unique("net");
        var create = await daemon.Docker("network", "create", "--subnet", "10.213.30.0/30", network);
        Assert.True(create.ExitCode == 0, create.ToString());
        var bridge = "br-" + create.Stdout.Trim()[..12];
        var hostPort = FreePort();
        var held = Names.Unique("held");
        var first = await daemon.Docker("run", "-d", "--name", held, "--network", network, "-p", $"{hostPort}:80", "busybox", "sleep", "300");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Single(Directory.EnumerateFileSystemEntries($"/sys/class/net/{bridge}/brif"));
        var pid = int.Parse((await daemon.Docker("inspect", "--format", "{{.State.Pid}}", held)).Stdout.Trim());

        await daemon.KillAsync();
        Libc.Signal(pid, Libc.SigKill);
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        await daemon.StartAsync();

        var state = await daemon.Docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", held);
        Assert.Equal("exited 137", state.Stdout.Trim());

        await NetworkTests.AssertBridgeHasNoPortsAsync(bridge);
        var map = await CommandRunner.RunAsync("nft", ["list", "map", "inet", "modular-" + bridge, "published"]);
        Assert.True(map.ExitCode == 0, map.ToString());
        Assert.DoesNotContain($". {hostPort} :", map.Stdout);
        // The /30 has a single address for containers: a new one gets it only if the dead container's was released,
        // and it can publish the same host port again.
        var again = await daemon.Docker("run", "--rm", "--network", network, "-p", $"{hostPort}:80", "busybox", "sh", "-c", "ip -4 addr show eth0 | grep -o 'inet [0-9./]*'");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("inet 10.213.30.2/30\n", again.Stdout);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
