using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>Published ports (-p, -P) through the real docker CLI: DNAT from loopback and the host's own address, ps, port, conflicts.</summary>
[Collection(DaemonCollection.Name)]
public sealed class PortTests(PrivateDaemon daemon)
{
    private const string Server = "mkdir -p /www && echo served-by-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

    [Fact]
    public async Task PublishedPortServesOnLoopbackAndOnTheHostAddress()
    {
        var name = Names.Unique("web");
        var hostPort = FreePort();
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "--hostname", "web1", "-p", $"{hostPort}:80", "busybox", "sh", "-c", Server);
            Assert.True(run.ExitCode == 0, run.ToString());

            Assert.Equal("served-by-web1\n", await GetAsync($"http://127.0.0.1:{hostPort}/index.html"));
            if (HostAddress() is { } address)
            {
                Assert.Equal("served-by-web1\n", await GetAsync($"http://{address}:{hostPort}/index.html"));
            }

            var ps = await daemon.Docker("ps", "--filter", $"name={name}", "--format", "{{.Ports}}");
            Assert.Equal($"0.0.0.0:{hostPort}->80/tcp\n", ps.Stdout);
            var port = await daemon.Docker("port", name);
            Assert.Equal($"80/tcp -> 0.0.0.0:{hostPort}\n", port.Stdout);
            var inspect = await daemon.Docker("inspect", "--format", "{{json .NetworkSettings.Ports}}", name);
            Assert.Equal($$"""{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"{{hostPort}}"}]}""" + "\n", inspect.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
        await AssertNotPublishedAsync(hostPort);
    }

    [Fact]
    public async Task PublishAllTakesEphemeralPortsFromExposedOnes()
    {
        var name = Names.Unique("web");
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "--expose", "80", "-P", "busybox", "sh", "-c", Server);
            Assert.True(run.ExitCode == 0, run.ToString());
            var port = await daemon.Docker("port", name, "80/tcp");
            Assert.True(port.ExitCode == 0, port.ToString());
            var hostPort = int.Parse(port.Stdout.Trim().Split(':').Last());
            Assert.InRange(hostPort, 32768, 60999);
            Assert.StartsWith("served-by-", await GetAsync($"http://127.0.0.1:{hostPort}/index.html"));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task PortHeldByAnotherProgramFailsTheStartAndLeavesNothingBehind()
    {
        var name = Names.Unique("web");
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var hostPort = ((IPEndPoint)holder.LocalEndpoint).Port;
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "-p", $"{hostPort}:80", "busybox", "sleep", "300");
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains($"Bind for 0.0.0.0:{hostPort} failed: port is already allocated", run.Stderr);
            var state = await daemon.Docker("inspect", "--format", "{{.State.Status}}", name);
            Assert.Equal("created\n", state.Stdout);
            await NetworkTests.AssertBridgeHasNoPortsAsync(daemon.BridgeName);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
        holder.Stop();
        await AssertNotPublishedAsync(hostPort);
    }

    [Fact]
    public async Task FirstRequestSucceedsSoonAfterRunReturns()
    {
        var name = Names.Unique("web");
        var hostPort = FreePort();
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "-p", $"127.0.0.1:{hostPort}:80", "busybox", "sh", "-c", Server);
            Assert.True(run.ExitCode == 0, run.ToString());
            var stopwatch = Stopwatch.StartNew();
            Assert.StartsWith("served-by-", await GetAsync($"http://127.0.0.1:{hostPort}/index.html"));
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"first request after {stopwatch.Elapsed}");
            var ps = await daemon.Docker("ps", "--filter", $"name={name}", "--format", "{{.Ports}}");
            Assert.Equal($"127.0.0.1:{hostPort}->80/tcp\n", ps.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    private async Task AssertNotPublishedAsync(int hostPort)
    {
        var map = await CommandRunner.RunAsync("nft", ["list", "map", "inet", "modular-" + daemon.BridgeName, "published"]);
        Assert.True(map.ExitCode == 0, map.ToString());
        Assert.DoesNotContain($". {hostPort} :", map.Stdout);
        // The daemon let go of the port: a new listener can bind it.
        using var probe = new TcpListener(IPAddress.Any, hostPort);
        probe.Start();
    }

    /// <summary>Retries while the server inside the container starts; returns the body of the first 200.</summary>
    private static async Task<string> GetAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        Exception? last = null;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                return await client.GetStringAsync(url);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e;
                await Task.Delay(100);
            }
        }
        throw new InvalidOperationException($"{url} never answered", last);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An IPv4 address of the host's uplink (not loopback, not a bridge): what clients from outside would use.</summary>
    private static string? HostAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType == NetworkInterfaceType.Ethernet
            && !Directory.Exists($"/sys/class/net/{i.Name}/bridge") && !Directory.Exists($"/sys/class/net/{i.Name}/brport"))
        .SelectMany(i => i.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString();
}
