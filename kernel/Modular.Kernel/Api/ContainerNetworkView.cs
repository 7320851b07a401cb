using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Networks;

namespace Modular.Kernel.Api;

/// <summary>
/// Fills a container's network fields in ps and inspect from its endpoints: per-network settings, the flat
/// default-bridge fields Docker still reports, and published ports (<c>0.0.0.0:8080-&gt;80/tcp</c>).
/// </summary>
public static class ContainerNetworkView
{
    /// <param name="endpoints">The container's endpoints, from <see cref="EndpointStore.ByContainer"/>.</param>
    public static void Apply(ContainerSummary summary, Container container, IReadOnlyList<EndpointRecord> endpoints, ContainerService containers)
    {
        if (endpoints.Count == 0)
        {
            return;
        }
        summary.NetworkSettings = new ContainerSummaryNetworkSettings { Networks = Networks(endpoints, containers) };
        var published = endpoints.SelectMany(e => e.Ports).ToList();
        summary.Ports = published
            .Select(p => new Port { IP = p.HostIp, PrivatePort = (ushort)p.ContainerPort, PublicPort = (ushort)p.HostPort, Type = p.Protocol })
            .Concat(Exposed(container).Where(x => !published.Any(p => p.Protocol == x.Protocol && p.ContainerPort == x.Port))
                .Select(x => new Port { PrivatePort = (ushort)x.Port, Type = x.Protocol }))
            .ToList();
    }

    public static void Apply(ContainerInspect inspect, Container container, ContainerService containers)
    {
        var endpoints = containers.Networking.Endpoints.OfContainer(container.Id);
        if (endpoints.Count == 0 || inspect.NetworkSettings is not { } settings)
        {
            return;
        }
        settings.Networks = Networks(endpoints, containers);
        var ports = new Dictionary<string, List<PortBinding>?>();
        foreach (var (protocol, port) in Exposed(container))
        {
            ports[$"{port}/{protocol}"] = null;
        }
        foreach (var mapping in endpoints.SelectMany(e => e.Ports))
        {
            var key = $"{mapping.ContainerPort}/{mapping.Protocol}";
            (ports.GetValueOrDefault(key) ?? (ports[key] = [])).Add(new PortBinding { HostIp = mapping.HostIp, HostPort = mapping.HostPort.ToString() });
        }
        settings.Ports = ports;
        if (endpoints.FirstOrDefault(e => e.Active) is { } live && container.State.Pid > 0)
        {
            settings.SandboxID = live.EndpointId;
            settings.SandboxKey = ContainerNetworking.SandboxKeyOf(container.State.Pid);
        }
        // The flat fields describe the default bridge network only, as in Docker.
        if (endpoints.FirstOrDefault(e => e.Active && containers.Networks.Find(e.NetworkId) is { IsDefault: true }) is { } bridge)
        {
            settings.EndpointID = bridge.EndpointId;
            settings.Gateway = bridge.Gateway;
            settings.IPAddress = Address(bridge.IPv4Address);
            settings.IPPrefixLen = PrefixLength(bridge.IPv4Address);
            settings.MacAddress = bridge.MacAddress;
            settings.IPv6Gateway = bridge.IPv6Gateway;
            settings.GlobalIPv6Address = Address(bridge.IPv6Address);
            settings.GlobalIPv6PrefixLen = PrefixLength(bridge.IPv6Address);
        }
    }

    private static Dictionary<string, EndpointSettings?> Networks(IReadOnlyList<EndpointRecord> endpoints, ContainerService containers) =>
        endpoints
            .Select(e => (Endpoint: e, Network: containers.Networks.Find(e.NetworkId)))
            .Where(x => x.Network is not null)
            .ToDictionary(x => x.Network!.Name, x => (EndpointSettings?)new EndpointSettings
            {
                IPAMConfig = x.Endpoint.RequestedIPv4.Length > 0 || x.Endpoint.RequestedIPv6.Length > 0
                    ? new EndpointIpamConfig { IPv4Address = NullIfEmpty(x.Endpoint.RequestedIPv4), IPv6Address = NullIfEmpty(x.Endpoint.RequestedIPv6) }
                    : null,
                Aliases = x.Endpoint.Aliases.Count > 0 ? x.Endpoint.Aliases.ToList() : null,
                NetworkID = x.Network!.Id,
                EndpointID = x.Endpoint.EndpointId,
                Gateway = x.Endpoint.Gateway,
                IPAddress = Address(x.Endpoint.IPv4Address),
                IPPrefixLen = PrefixLength(x.Endpoint.IPv4Address),
                MacAddress = x.Endpoint.MacAddress,
                IPv6Gateway = x.Endpoint.IPv6Gateway,
                GlobalIPv6Address = Address(x.Endpoint.IPv6Address),
                GlobalIPv6PrefixLen = PrefixLength(x.Endpoint.IPv6Address),
            });

    private static IEnumerable<(string Protocol, int Port)> Exposed(Container container) =>
        (container.Config.ExposedPorts ?? []).Keys
            .Concat((container.HostConfig.PortBindings ?? []).Keys)
            .Distinct(StringComparer.Ordinal)
            .Select(key =>
            {
                var parts = key.Split('/', 2);
                return (Protocol: parts.Length == 2 ? parts[1] : "tcp", Port: int.TryParse(parts[0], out var port) ? port : 0);
            })
            .Where(x => x.Port > 0);

    private static string Address(string cidr) => cidr.Split('/')[0];

    private static string? NullIfEmpty(string text) => text.Length > 0 ? text : null;

    private static int PrefixLength(string cidr) => cidr.Split('/') is [_, var prefix] && int.TryParse(prefix, out var length) ? length : 0;
}
