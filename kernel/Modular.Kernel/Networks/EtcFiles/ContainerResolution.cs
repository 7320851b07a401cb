using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Modular.Kernel.Containers;

namespace Modular.Kernel.Networks.EtcFiles;

/// <summary>
/// Generates a container's /etc/hostname, /etc/hosts and /etc/resolv.conf from its configuration and addresses, and
/// remembers, per container, the upstream nameservers its embedded resolver forwards to.
/// </summary>
public static class ContainerResolution
{
    /// <summary>The default bridge's host interface; its address is what <c>host-gateway</c> means, as in dockerd.</summary>
    public const string DefaultBridgeInterface = "modular0";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<ExternalNameServer>> Upstreams = new(StringComparer.Ordinal);

    /// <summary>Writes the three files into the container's folder; <paramref name="addresses"/> are the container's own.</summary>
    public static void Write(Container container, string folder, bool hostNetwork, IReadOnlyList<IPAddress> addresses)
    {
        var input = InputOf(container, hostNetwork, addresses);
        Upstreams[container.Id] = ContainerEtcFiles.Write(folder, input);
    }

    /// <summary>Rebuilds /etc/hosts and /etc/resolv.conf after the container's networks changed (connect, disconnect).</summary>
    public static void Rewrite(Container container, string folder, IReadOnlyList<IPAddress> addresses, bool embeddedResolver)
    {
        var input = InputOf(container, hostNetwork: false, addresses) with
        {
            Mode = embeddedResolver ? ResolutionMode.EmbeddedResolver : ResolutionMode.Legacy,
        };
        ContainerEtcFiles.WriteHosts(folder, input);
        Upstreams[container.Id] = ContainerEtcFiles.WriteResolvConf(folder, input);
    }

    /// <summary>The nameservers the container's embedded resolver forwards to (empty before its files were written).</summary>
    public static IReadOnlyList<ExternalNameServer> UpstreamsOf(string containerId) =>
        Upstreams.TryGetValue(containerId, out var upstreams) ? upstreams : [];

    public static void Forget(string containerId) => Upstreams.TryRemove(containerId, out _);

    private static EtcFilesInput InputOf(Container container, bool hostNetwork, IReadOnlyList<IPAddress> addresses) => new(
        hostNetwork ? Environment.MachineName : container.Config.Hostname,
        hostNetwork ? "" : container.Config.Domainname,
        ContainerEtcFiles.ModeOf(container.HostConfig.NetworkMode, hostNetwork),
        addresses,
        container.HostConfig,
        HostGatewayAddresses(),
        ResolvConf.HostPath());

    /// <summary>The default bridge's IPv4 address, or none when the bridge does not exist (then host-gateway cannot be used).</summary>
    public static IReadOnlyList<IPAddress> HostGatewayAddresses()
    {
        var bridge = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(i => i.Name == DefaultBridgeInterface);
        return bridge?.GetIPProperties().UnicastAddresses
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .Take(1)
            .ToList() ?? [];
    }
}
