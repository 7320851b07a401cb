using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// IPv6 bridge networks (<c>--ipv6</c>) through the real docker CLI: IPAM as dockerd 28 shows it, addresses and routes
/// in containers, ping6 by name through the embedded DNS (AAAA), /etc/hosts, static <c>--ip6</c>, ports published on
/// the host's IPv6 addresses, dockerd's errors for bad input, and nothing left behind.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class Ipv6NetworkTests(PrivateDaemon daemon)
{
    private const string Subnet = "fd5e:e2e:6::/64";

    [Fact]
    public async Task ContainersOnAnIpv6NetworkGetAddressesRoutesAndReachEachOtherByName()
    {
        var network = Names.Unique("v6net");
        var server = Names.Unique("v6server");
        var fixedAddress = Names.Unique("v6fixed");
        string bridgeName;
        try
        {
            var create = await daemon.Docker("network", "create", "--ipv6", "--subnet", Subnet, network);
            Assert.True(create.ExitCode == 0, create.ToString());
            bridgeName = "br-" + create.Stdout.Trim()[..12];

            var inspect = await daemon.Docker("network", "inspect", network);
            Assert.True(inspect.ExitCode == 0, inspect.ToString());
            using (var document = JsonDocument.Parse(inspect.Stdout))
            {
                var root = document.RootElement[0];
                Assert.True(root.GetProperty("EnableIPv4").GetBoolean());
                Assert.True(root.GetProperty("EnableIPv6").GetBoolean());
                var configs = root.GetProperty("IPAM").GetProperty("Config");
                Assert.Equal(2, configs.GetArrayLength());
                Assert.DoesNotContain(':', configs[0].GetProperty("Subnet").GetString()!);
                Assert.Equal(Subnet, configs[1].GetProperty("Subnet").GetString());
                Assert.Equal("fd5e:e2e:6::1", configs[1].GetProperty("Gateway").GetString());
            }

            var run = await daemon.Docker("run", "-d", "--name", server, "--network", network, "busybox", "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());
            var fields = await daemon.Docker("inspect", "--format",
                $"{{{{with index .NetworkSettings.Networks \"{network}\"}}}}{{{{.GlobalIPv6Address}}}} {{{{.GlobalIPv6PrefixLen}}}} {{{{.IPv6Gateway}}}}{{{{end}}}}", server);
            Assert.Equal("fd5e:e2e:6::2 64 fd5e:e2e:6::1\n", fields.Stdout);
            var members = await daemon.Docker("network", "inspect", "--format", "{{range .Containers}}{{.IPv6Address}}{{end}}", network);
            Assert.Equal("fd5e:e2e:6::2/64\n", members.Stdout);

            // By name: the embedded resolver answers AAAA; the address works at once (no DAD delay) and routes go via the gateway.
            var client = await daemon.Docker("run", "--rm", "--network", network, "--hostname", "v6client", "busybox", "sh", "-c",
                $"ip -6 addr show eth0 | grep -o 'inet6 fd[0-9a-f:/]*'; ip -6 route | grep default; ping -6 -c 1 -W 3 {server} >/dev/null && echo ping-ok; "
                + $"nslookup -type=aaaa {server} 127.0.0.11 | grep -c fd5e:e2e:6::2; grep v6client /etc/hosts");
            Assert.True(client.ExitCode == 0, client.ToString());
            Assert.Contains("inet6 fd5e:e2e:6::3/64", client.Stdout);
            Assert.Contains("default via fd5e:e2e:6::1 dev eth0", client.Stdout);
            Assert.Contains("ping-ok", client.Stdout);
            Assert.Matches(@"(?m)^fd5e:e2e:6::3\tv6client$", client.Stdout);
            Assert.Matches(@"(?m)^\d+\.\d+\.\d+\.\d+\tv6client$", client.Stdout);

            var fixedRun = await daemon.Docker("run", "-d", "--name", fixedAddress, "--network", network, "--ip6", "fd5e:e2e:6::99", "busybox", "sleep", "300");
            Assert.True(fixedRun.ExitCode == 0, fixedRun.ToString());
            var fixedFields = await daemon.Docker("inspect", "--format",
                $"{{{{with index .NetworkSettings.Networks \"{network}\"}}}}{{{{.IPAMConfig.IPv6Address}}}} {{{{.GlobalIPv6Address}}}}{{{{end}}}}", fixedAddress);
            Assert.Equal("fd5e:e2e:6::99 fd5e:e2e:6::99\n", fixedFields.Stdout);
            var taken = await daemon.Docker("run", "--rm", "--network", network, "--ip6", "fd5e:e2e:6::99", "busybox", "true");
            Assert.NotEqual(0, taken.ExitCode);
            Assert.Contains("Address already in use", taken.Stderr);
        }
        finally
        {
            await daemon.Docker("rm", "-f", server, fixedAddress);
            await daemon.Docker("network", "rm", network);
        }
        await AssertNothingLeftAsync(bridgeName);
    }

    [Fact]
    public async Task PortsPublishedOnAnIpv6NetworkAnswerOnTheHostsIpv6AddressesAndLoopback()
    {
        var hostAddress = HostGlobalIPv6Address();
        Assert.SkipWhen(hostAddress is null, "the host has no global IPv6 address to publish on");
        var network = Names.Unique("v6ports");
        var server = Names.Unique("v6web");
        var port = FreePort();
        var loopbackPort = FreePort();
        string bridgeName;
        try
        {
            var create = await daemon.Docker("network", "create", "--ipv6", "--subnet", "fd5e:e2e:7::/64", network);
            Assert.True(create.ExitCode == 0, create.ToString());
            bridgeName = "br-" + create.Stdout.Trim()[..12];
            var run = await daemon.Docker("run", "-d", "--name", server, "--network", network, "-p", $"{port}:80",
                "-p", $"[::1]:{loopbackPort}:80", "-p", "81", "busybox", "sh", "-c", "while true; do echo hello-v6 | nc -l -p 80; done");
            Assert.True(run.ExitCode == 0, run.ToString());

            var ports = await daemon.Docker("port", server);
            Assert.Contains($"80/tcp -> 0.0.0.0:{port}", ports.Stdout);
            Assert.Contains($"80/tcp -> [::]:{port}", ports.Stdout);
            Assert.Contains($"80/tcp -> [::1]:{loopbackPort}", ports.Stdout);
            // An ephemeral port gets the same number on both families, as dockerd 28 gives it.
            var ephemeral = (await daemon.Docker("port", server, "81/tcp")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, ephemeral.Length);
            Assert.Equal(ephemeral[0].Split(':')[^1], ephemeral[1].Split(':')[^1]);
            Assert.Equal("hello-v6", await ReadLineAsync(hostAddress!, port));
            Assert.Equal("hello-v6", await ReadLineAsync(IPAddress.Loopback, port));
            // No DNAT reaches [::1] (Linux has no IPv6 route_localnet): a proxy on the held socket serves it.
            Assert.Equal("hello-v6", await ReadLineAsync(IPAddress.IPv6Loopback, loopbackPort));
        }
        finally
        {
            await daemon.Docker("rm", "-f", server);
            await daemon.Docker("network", "rm", network);
        }
        await AssertNothingLeftAsync(bridgeName);
        using var probe = new TcpListener(IPAddress.IPv6Any, port);
        probe.Server.DualMode = false;
        probe.Start();
    }

    [Fact]
    public async Task WithoutASubnetIpv6ComesFromTheDefaultUlaPool()
    {
        var network = Names.Unique("v6pool");
        try
        {
            var create = await daemon.Docker("network", "create", "--ipv6", network);
            Assert.True(create.ExitCode == 0, create.ToString());
            var subnets = await daemon.Docker("network", "inspect", "--format", "{{.EnableIPv6}}{{range .IPAM.Config}} {{.Subnet}}{{end}}", network);
            Assert.Matches(@"^true [0-9.]+/\d+ fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{0,4}:?:/64\n$", subnets.Stdout);
            var prefix = subnets.Stdout.Trim().Split(' ')[2].Split("::/")[0];
            var address = await daemon.Docker("run", "--rm", "--network", network, "busybox", "sh", "-c", "ip -6 addr show eth0 | grep -o 'inet6 fd[0-9a-f:/]*'");
            Assert.True(address.ExitCode == 0, address.ToString());
            Assert.Equal($"inet6 {prefix}::2/64\n", address.Stdout);
        }
        finally
        {
            await daemon.Docker("network", "rm", network);
        }
    }

    [Fact]
    public async Task AnIpv6DefaultAddressPoolInDaemonJsonFeedsIpv6Networks()
    {
        await using var own = new PrivateDaemon();
        await File.WriteAllTextAsync(Path.Combine(own.Root, "daemon.json"),
            """{ "default-address-pools": [ { "base": "10.213.96.0/22", "size": 24 }, { "base": "fd5e:e2e:d::/48", "size": 64 } ] }""",
            TestContext.Current.CancellationToken);
        await own.InitializeAsync();
        var network = Names.Unique("v6pooled");

        var create = await own.Docker("network", "create", "--ipv6", network);
        Assert.True(create.ExitCode == 0, create.ToString());
        var subnets = await own.Docker("network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", network);
        Assert.Equal("10.213.97.0/24 fd5e:e2e:d::/64 \n", subnets.Stdout);
        Assert.Equal(0, (await own.Docker("network", "rm", network)).ExitCode);
    }

    [Fact]
    public async Task BadIpv6RequestsFailWithDockersMessages()
    {
        var network = Names.Unique("v6bad");
        var plain = Names.Unique("v4only");
        try
        {
            Assert.Equal(0, (await daemon.Docker("network", "create", "--ipv6", "--subnet", "fd5e:e2e:8::/64", network)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("network", "create", plain)).ExitCode);

            var invalid = await PostCreateAsync($$$"""{"Name":"{{{network}}}-a","EnableIPv6":true,"IPAM":{"Config":[{"Subnet":"fd5e:e2e:9::/129"}]}}""");
            Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
            Assert.Contains("invalid subnet fd5e:e2e:9::/129: invalid CIDR block notation", invalid.Body);

            var hostBits = await daemon.Docker("network", "create", "--ipv6", "--subnet", "fd5e:e2e:9::1/64", network + "-b");
            Assert.NotEqual(0, hostBits.ExitCode);
            Assert.Contains("invalid subnet fd5e:e2e:9::1/64: it should be fd5e:e2e:9::/64", hostBits.Stderr);

            var outside = await PostCreateAsync(
                $$$"""{"Name":"{{{network}}}-c","EnableIPv6":true,"IPAM":{"Config":[{"Subnet":"fd5e:e2e:9::/64","Gateway":"fd5e:e2e:a::1"}]}}""");
            Assert.Equal(HttpStatusCode.BadRequest, outside.Status);
            Assert.Contains("invalid gateway fd5e:e2e:a::1: parent subnet fd5e:e2e:9::/64 doesn't contain this address", outside.Body);

            var overlap = await daemon.Docker("network", "create", "--ipv6", "--subnet", "fd5e:e2e:8::/80", network + "-d");
            Assert.NotEqual(0, overlap.ExitCode);
            Assert.Contains("Pool overlaps with other one on this address space", overlap.Stderr);

            var notInSubnet = await daemon.Docker("run", "--rm", "--network", network, "--ip6", "fd5e:e2e:b::5", "busybox", "true");
            Assert.NotEqual(0, notInSubnet.ExitCode);
            Assert.Contains("no configured subnet or ip-range contain the IP address fd5e:e2e:b::5", notInSubnet.Stderr);

            var noIpv6 = await daemon.Docker("run", "--rm", "--network", plain, "--ip6", "fd5e:e2e:8::5", "busybox", "true");
            Assert.NotEqual(0, noIpv6.ExitCode);
            Assert.Contains("user specified IP address is supported only when connecting to networks with user configured subnets", noIpv6.Stderr);
        }
        finally
        {
            await daemon.Docker("network", "rm", network, plain);
        }
        var names = (await daemon.Docker("network", "ls", "--format", "{{.Name}}")).Stdout;
        Assert.DoesNotContain(network, names);
    }

    [Fact]
    public async Task MacvlanNetworksPlumbIpv6Too()
    {
        var network = Names.Unique("v6mac");
        var first = Names.Unique("v6mac1");
        string parent;
        try
        {
            var create = await daemon.Docker("network", "create", "-d", "macvlan", "--ipv6", "--subnet", "10.219.20.0/24",
                "--subnet", "fd5e:e2e:c::/64", network);
            Assert.True(create.ExitCode == 0, create.ToString());
            parent = "dm-" + create.Stdout.Trim()[..12];
            var run = await daemon.Docker("run", "-d", "--name", first, "--network", network, "busybox", "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());

            var probe = await daemon.Docker("run", "--rm", "--network", network, "busybox", "sh", "-c",
                $"ip -6 -o addr show eth0 | grep -o 'inet6 fd[0-9a-f:/]*'; ip -6 route | grep default; ping -6 -c 1 -W 3 {first} >/dev/null && echo ping-ok");
            Assert.True(probe.ExitCode == 0, probe.ToString());
            Assert.Contains("inet6 fd5e:e2e:c::3/64", probe.Stdout);
            Assert.Contains("default via fd5e:e2e:c::1 dev eth0", probe.Stdout);
            Assert.Contains("ping-ok", probe.Stdout);
        }
        finally
        {
            await daemon.Docker("rm", "-f", first);
            await daemon.Docker("network", "rm", network);
        }
        Assert.False(Directory.Exists($"/sys/class/net/{parent}"));
    }

    private static async Task AssertNothingLeftAsync(string bridgeName)
    {
        Assert.False(Directory.Exists($"/sys/class/net/{bridgeName}"));
        Assert.NotEqual(0, (await CommandRunner.RunAsync("nft", ["list", "table", "inet", "modular-" + bridgeName])).ExitCode);
        var routes = await CommandRunner.RunAsync("ip", ["-6", "route", "show"]);
        Assert.DoesNotContain(bridgeName, routes.Stdout);
    }

    private static IPAddress? HostGlobalIPv6Address() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up
                && n.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback
                && !Directory.Exists($"/sys/class/net/{n.Name}/bridge"))
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal && !IPAddress.IsLoopback(a));

    private static async Task<string> ReadLineAsync(IPAddress address, int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient(address.AddressFamily);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.ConnectAsync(address, port, timeout.Token);
                using var reader = new StreamReader(client.GetStream());
                var line = (await reader.ReadLineAsync(timeout.Token))?.Trim() ?? "";
                if (line.Length == 0 && attempt < 20)
                {
                    // A proxy accepts at once and closes when the container is not listening yet (nc between loops).
                    await Task.Delay(250);
                    continue;
                }
                return line;
            }
            catch (Exception) when (attempt < 20)
            {
                // The server loop inside the container may not be listening yet.
                await Task.Delay(250);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.IPv6Any, 0);
        listener.Server.DualMode = true;
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<(HttpStatusCode Status, string Body)> PostCreateAsync(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await daemon.Api.PostAsync("networks/create", content);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.TryGetProperty("message", out var message) ? message.GetString()! : body.RootElement.ToString());
    }
}
