using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// Hairpin NAT through the real docker CLI: a container reaches its own and a sibling's published port through an
/// address of the host (the bridge's gateway and the host's own interface), as with dockerd.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class PortHairpinTests(PrivateDaemon daemon)
{
    private const string Server = "mkdir -p /www && echo served-by-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

    [Fact]
    public async Task ContainerReachesItsOwnAndASiblingsPublishedPortThroughHostAddresses()
    {
        var server = Names.Unique("hairpin");
        var sibling = Names.Unique("sibling");
        var hostPort = FreePort();
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", server, "--hostname", "hp1", "-p", $"{hostPort}:80", "busybox", "sh", "-c", Server);
            Assert.True(run.ExitCode == 0, run.ToString());
            var gateway = (await daemon.Docker("inspect", "--format", "{{.NetworkSettings.Gateway}}", server)).Stdout.Trim();
            Assert.NotEmpty(gateway);
            var start = await daemon.Docker("run", "-d", "--name", sibling, "busybox", "sleep", "300");
            Assert.True(start.ExitCode == 0, start.ToString());

            var addresses = HostAddress() is { } hostAddress ? new[] { gateway, hostAddress } : [gateway];
            foreach (var address in addresses)
            {
                var url = $"http://{address}:{hostPort}/index.html";
                Assert.Equal("served-by-hp1\n", await FetchInsideAsync(server, url));
                Assert.Equal("served-by-hp1\n", await FetchInsideAsync(sibling, url));
            }
        }
        finally
        {
            await daemon.Docker("rm", "-f", server, sibling);
        }
    }

    [Fact]
    public async Task BridgePortsOfContainersAreInHairpinMode()
    {
        var name = Names.Unique("hairpin");
        try
        {
            var run = await daemon.Docker("run", "-d", "--name", name, "busybox", "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());
            var endpoint = (await daemon.Docker("inspect", "--format", "{{.NetworkSettings.EndpointID}}", name)).Stdout.Trim();
            Assert.NotEmpty(endpoint);
            // The bridge driver names a host veth after its endpoint: "veth" and the id's first 11 characters.
            var port = $"/sys/class/net/{daemon.BridgeName}/brif/veth{endpoint[..11]}";
            Assert.True(Directory.Exists(port), $"{port} is not a port of {daemon.BridgeName}");
            Assert.Equal("1", (await File.ReadAllTextAsync(Path.Combine(port, "hairpin_mode"), TestContext.Current.CancellationToken)).Trim());
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    /// <summary>wget from inside the container, retried while the server starts; the body of the first success.</summary>
    private async Task<string> FetchInsideAsync(string container, string url)
    {
        CommandResult? last = null;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            // busybox-static wget crashes with -T here, so the time limit comes from busybox timeout.
            last = await daemon.Docker("exec", container, "timeout", "5", "wget", "-q", "-O", "-", url);
            if (last.ExitCode == 0)
            {
                return last.Stdout;
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"{container} never fetched {url}: {last}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? HostAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType == NetworkInterfaceType.Ethernet
            && !Directory.Exists($"/sys/class/net/{i.Name}/bridge") && !Directory.Exists($"/sys/class/net/{i.Name}/brport"))
        .SelectMany(i => i.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString();
}
