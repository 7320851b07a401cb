using System.Diagnostics;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// macvlan networks through the docker CLI on a parent the test makes (one end of a veth pair): containers get
/// macvlan links with addresses from the subnet, reach and resolve each other, and create/run/rm leaves the host's
/// links as they were.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class MacvlanTests(PrivateDaemon daemon)
{
    [Fact]
    public async Task MacvlanCreateRunRmLeavesTheHostAsItWas()
    {
        var suffix = Names.Unique("m")[^6..];
        var parent = "mve" + suffix;
        var network = Names.Unique("macnet");
        var first = Names.Unique("mac1");
        var second = Names.Unique("mac2");
        var before = HostLinks();
        Run("ip", "link", "add", parent, "type", "veth", "peer", "name", "mvf" + suffix);
        try
        {
            Run("ip", "link", "set", "mvf" + suffix, "up");
            var create = await daemon.Docker("network", "create", "-d", "macvlan", "-o", $"parent={parent}",
                "--subnet", "10.219.10.0/24", "--gateway", "10.219.10.1", network);
            Assert.True(create.ExitCode == 0, create.ToString());
            var run = await daemon.Docker("run", "-d", "--name", first, "--network", network, "busybox", "sleep", "300");
            Assert.True(run.ExitCode == 0, run.ToString());

            var probe = await daemon.Docker("run", "--rm", "--name", second, "--network", network, "busybox", "sh", "-c",
                $"cat /sys/class/net/eth0/address; ip -4 -o addr show eth0; ip route; ping -c 1 -W 2 {first}");
            var inspect = await daemon.Docker("network", "inspect", "--format", "{{.Driver}} {{index .Options \"parent\"}}", network);

            Assert.True(probe.ExitCode == 0, probe.ToString());
            Assert.Contains("02:42:0a:db:0a:", probe.Stdout);
            Assert.Contains("inet 10.219.10.", probe.Stdout);
            Assert.Contains("default via 10.219.10.1 dev eth0", probe.Stdout);
            Assert.Equal($"macvlan {parent}\n", inspect.Stdout);

            Assert.Equal(0, (await daemon.Docker("rm", "-f", first)).ExitCode);
            Assert.Equal(0, (await daemon.Docker("network", "rm", network)).ExitCode);
            Assert.True(LinkExists(parent));
        }
        finally
        {
            await daemon.Docker("rm", "-f", first, second);
            await daemon.Docker("network", "rm", network);
            if (LinkExists(parent))
            {
                Run("ip", "link", "del", parent);
            }
        }
        Assert.Equal(before, HostLinks());
    }

    [Fact]
    public async Task AMacvlanNetworkWithoutParentGetsALinkOfItsOwnRemovedWithIt()
    {
        var network = Names.Unique("macnop");
        var before = HostLinks();
        try
        {
            var create = await daemon.Docker("network", "create", "-d", "macvlan", "--subnet", "10.219.11.0/24", network);
            Assert.True(create.ExitCode == 0, create.ToString());
            var id = (await daemon.Docker("network", "inspect", "--format", "{{.Id}}", network)).Stdout.Trim();

            Assert.True(LinkExists("dm-" + id[..12]));
            var run = await daemon.Docker("run", "--rm", "--network", network, "busybox", "ip", "-4", "-o", "addr", "show", "eth0");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("inet 10.219.11.", run.Stdout);
            Assert.Equal(0, (await daemon.Docker("network", "rm", network)).ExitCode);
        }
        finally
        {
            await daemon.Docker("network", "rm", network);
        }
        Assert.Equal(before, HostLinks());
    }

    [Fact]
    public async Task AMissingParentIsRefusedWithDockersMessage()
    {
        var create = await daemon.Docker("network", "create", "-d", "macvlan", "-o", "parent=nosuchif0", "--subnet", "10.219.12.0/24", Names.Unique("macbad"));

        Assert.NotEqual(0, create.ExitCode);
        Assert.Contains("-o parent interface was not found on the host: nosuchif0", create.Stderr);
    }

    private static bool LinkExists(string name) => Directory.Exists($"/sys/class/net/{name}");

    // Links other engineers' tests make come and go on this shared host; only ours (mve*, mvf*, dm-*, dp-*) are compared.
    private static string[] HostLinks() =>
        Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).OfType<string>()
            .Where(n => n.StartsWith("mve", StringComparison.Ordinal) || n.StartsWith("mvf", StringComparison.Ordinal)
                || n.StartsWith("dm-", StringComparison.Ordinal) || n.StartsWith("dp-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {program}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error}");
    }
}
