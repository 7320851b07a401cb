namespace Modular.Network.Bridge;

/// <summary>
/// The one place that changes links and addresses: through iproute2's <c>ip -batch</c> (one process per step, in the host's
/// namespace or, through nsenter, in the container's) and /proc/sys for sysctls.
/// </summary>
internal static class LinkCommands
{
    public static bool Exists(string name) => Directory.Exists($"/sys/class/net/{name}");

    public static void EnsureBridge(BridgeSettings settings)
    {
        var batch = new List<string>();
        if (!Exists(settings.BridgeName))
        {
            batch.Add($"link add name {settings.BridgeName} mtu {settings.Mtu} type bridge");
        }
        foreach (var subnet in settings.Subnets)
        {
            var prefix = subnet.Subnet.Split('/')[1];
            batch.Add($"addr replace {subnet.Gateway}/{prefix} dev {settings.BridgeName}");
        }
        batch.Add($"link set {settings.BridgeName} up");
        RunBatch(batch);
        WriteSysctl("/proc/sys/net/ipv4/ip_forward", "1");
        // Without a proxy, published ports answer on 127.0.0.1 through DNAT, which needs loopback sources routable out
        // of the bridge; with one, loopback clients reach the proxy and the bridge keeps the kernel's default.
        WriteSysctl($"/proc/sys/net/ipv4/conf/{settings.BridgeName}/route_localnet", settings.UserlandProxy ? "0" : "1");
    }

    /// <summary>The veths left attached to the bridge; at network (re-)creation no container uses them any more.</summary>
    public static IReadOnlyList<string> PortsOf(string bridge)
    {
        var folder = $"/sys/class/net/{bridge}/brif";
        return Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder).Select(p => Path.GetFileName(p)!).ToList() : [];
    }

    public static void DeleteLink(string name)
    {
        if (Exists(name))
        {
            try
            {
                HostCommand.Run("ip", ["link", "del", name]);
            }
            catch (Sdk.DriverException) when (!Exists(name))
            {
                // Gone meanwhile, e.g. with the namespace its peer lived in.
            }
        }
    }

    /// <summary>
    /// Creates the veth pair with its container end directly inside the sandbox (so it never appears in the host's
    /// namespace under a clashing name), attaches the host end to the bridge, then configures the container end.
    /// </summary>
    public static void PlugIntoSandbox(BridgeSettings settings, string hostVeth, string sandboxKey, string interfaceName,
        string macAddress, string address, string gateway)
    {
        var mac = macAddress.Length > 0 ? $" address {macAddress}" : "";
        var host = new List<string>
        {
            $"link add {hostVeth} mtu {settings.Mtu} type veth peer name {interfaceName} mtu {settings.Mtu}{mac} netns {sandboxKey}",
            $"link set {hostVeth} master {settings.BridgeName} up",
        };
        if (!settings.UserlandProxy)
        {
            // Frames of a hairpinned connection may have to leave through the port they came in on (dockerd does the same
            // when it proxies nothing).
            host.Add($"link set {hostVeth} type bridge_slave hairpin on");
        }
        if (!settings.InterContainerCommunication)
        {
            // Isolated ports of a bridge cannot reach each other, only the bridge itself (the gateway and beyond):
            // inter-container traffic is cut by the bridge's own switch, no netfilter needed.
            host.Add($"link set {hostVeth} type bridge_slave isolated on");
        }
        RunBatch(host);
        var inside = new List<string> { "link set lo up" };
        if (address.Length > 0)
        {
            inside.Add($"addr add {address} dev {interfaceName}");
        }
        inside.Add($"link set {interfaceName} up");
        if (gateway.Length > 0 && !settings.Internal)
        {
            inside.Add($"route replace default via {gateway} dev {interfaceName}");
        }
        HostCommand.Run("nsenter", [$"--net={sandboxKey}", "ip", "-batch", "-"], string.Join('\n', inside) + "\n");
    }

    /// <summary>The first ethN not yet present in the sandbox (a container joined to a second network gets eth1).</summary>
    public static string FreeInterfaceName(string sandboxKey)
    {
        var names = SandboxInterfaces(sandboxKey);
        for (var index = 0; ; index++)
        {
            if (!names.Contains($"eth{index}"))
            {
                return $"eth{index}";
            }
        }
    }

    private static HashSet<string> SandboxInterfaces(string sandboxKey)
    {
        // /proc/<pid>/ns/net has /proc/<pid>/net/dev beside it, readable from here; other keys need a look inside.
        var procNet = sandboxKey.EndsWith("/ns/net", StringComparison.Ordinal) ? sandboxKey[..^"/ns/net".Length] + "/net/dev" : null;
        var lines = procNet is not null && File.Exists(procNet)
            ? File.ReadAllLines(procNet).Skip(2)
            : HostCommand.Run("nsenter", [$"--net={sandboxKey}", "cat", "/proc/net/dev"]).Split('\n').Skip(2);
        return lines.Select(l => l.Split(':')[0].Trim()).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    private static void RunBatch(IReadOnlyList<string> commands) =>
        HostCommand.Run("ip", ["-batch", "-"], string.Join('\n', commands) + "\n");

    private static void WriteSysctl(string path, string value)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() != value)
        {
            File.WriteAllText(path, value);
        }
    }
}
