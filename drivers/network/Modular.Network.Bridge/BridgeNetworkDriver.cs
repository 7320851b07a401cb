using System.Collections.Concurrent;
using System.Net;
using Modular.Network.Bridge.UserlandProxy;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Network.Bridge;

/// <summary>
/// Docker's bridge driver: one Linux bridge per network holding the gateway address, a veth pair per endpoint (the
/// container end becomes ethN in the sandbox with the kernel-allocated address and a default route through the gateway),
/// outbound masquerade, isolation between bridges and published ports as DNAT (see <see cref="IFirewallBackend"/>),
/// plus, with <c>userland-proxy</c>, a proxy per published port for the clients DNAT leaves to it (see <see cref="EndpointProxies"/>).
/// Endpoints live in memory only: containers do not survive the daemon, and re-creating a network at daemon start
/// replaces its rules and removes veths left on its bridge.
/// </summary>
internal sealed class BridgeNetworkDriver(IDriverLog log, BridgeDriverOptions options) : INetworkDriver, IEndpointRestore
{
    public const string DriverName = "bridge";

    private readonly ConcurrentDictionary<string, BridgeSettings> _networks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BridgeEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly IFirewallBackend _firewall = options.FirewallBackend == FirewallBackendKind.Iptables ? new Iptables.IptablesFirewall() : new NftRuleset();

    public string Name => DriverName;

    public NetworkCapabilities Capabilities { get; } = new(SandboxKind.Private) { PublishesPorts = true, NeedsAddresses = true, SupportsIPv6 = true };

    public void CreateNetwork(NetworkSpec network)
    {
        var settings = BridgeSettings.From(network) with { UserlandProxy = options.UserlandProxy };
        if (_networks.Values.Any(n => n.BridgeName == settings.BridgeName && n.NetworkId != network.Id))
        {
            throw DriverException.Conflict($"bridge name {settings.BridgeName} is already used by another network");
        }
        var existed = LinkCommands.Exists(settings.BridgeName);
        try
        {
            LinkCommands.EnsureBridge(settings);
            Ipv6Bridge.ConfigureBridge(settings);
            foreach (var stale in LinkCommands.PortsOf(settings.BridgeName).Where(p => !_endpoints.Values.Any(e => e.HostVeth == p)))
            {
                log.Info($"Removing stale interface {stale} from {settings.BridgeName}");
                LinkCommands.DeleteLink(stale);
            }
            RemoveOtherBackendsRules(settings);
            _firewall.Apply(settings);
            PublishRestored(network.Id, settings);
        }
        catch when (!existed)
        {
            // A network that could not be completed leaves nothing behind, its rules included.
            try
            {
                _firewall.Remove(settings);
            }
            catch (DriverException e)
            {
                log.Warn($"Could not remove the rules of the unfinished network {settings.BridgeName}: {e.Message}");
            }
            LinkCommands.DeleteLink(settings.BridgeName);
            throw;
        }
        _networks[network.Id] = settings;
    }

    public void RestoreEndpoint(string networkId, string endpointId, EndpointSpec endpoint)
    {
        var restored = new BridgeEndpoint(networkId, HostVethName(endpointId), endpoint) { Joined = true };
        // The proxies died with the previous daemon; the kernel has reserved the ports again.
        StartProxies(restored);
        _endpoints[endpointId] = restored;
    }

    private void StartProxies(BridgeEndpoint endpoint)
    {
        var spec = endpoint.Spec;
        if (options.UserlandProxy && spec.PortBindings.Count > 0)
        {
            endpoint.Proxies = EndpointProxies.Start(spec.PortBindings, spec.ReservedPortSockets, AddressOnly(spec.IPv4Address), AddressOnly(spec.IPv6Address), UdpPortProxy.DefaultIdleTimeout);
        }
        else if (Ipv6Bridge.LoopbackMappings(spec.PortBindings) is { Count: > 0 } loopback)
        {
            // No DNAT can serve [::1] (see Ipv6Bridge): those ports get a proxy even without userland-proxy.
            endpoint.Proxies = EndpointProxies.Start(loopback, spec.ReservedPortSockets, Ipv6Bridge.LoopbackTarget(spec), UdpPortProxy.DefaultIdleTimeout);
        }
    }

    // A freshly applied ruleset has no published ports: those of endpoints that survived a daemon restart go back in.
    private void PublishRestored(string networkId, BridgeSettings settings)
    {
        foreach (var endpoint in _endpoints.Values.Where(e => e.NetworkId == networkId && e.Joined && e.Spec.PortBindings.Count > 0))
        {
            if (options.UserlandProxy && endpoint.Proxies is null)
            {
                try
                {
                    endpoint.Proxies = EndpointProxies.Start(endpoint.Spec.PortBindings, endpoint.Spec.ReservedPortSockets,
                        AddressOnly(endpoint.Spec.IPv4Address), AddressOnly(endpoint.Spec.IPv6Address), UdpPortProxy.DefaultIdleTimeout);
                }
                catch (DriverException e)
                {
                    // The DNAT rules below still serve everything but loopback clients.
                    log.Warn($"Could not restart the userland proxy of endpoint {endpoint.HostVeth}: {e.Message}");
                }
            }
            _firewall.Publish(settings, Ipv6Bridge.IPv4Only(endpoint.Spec.PortBindings), AddressOnly(endpoint.Spec.IPv4Address));
            _firewall.PublishIPv6(settings, endpoint.Spec.PortBindings, AddressOnly(endpoint.Spec.IPv6Address));
        }
    }

    public void DeleteNetwork(string networkId)
    {
        if (!_networks.TryRemove(networkId, out var settings))
        {
            return;
        }
        _firewall.Remove(settings);
        LinkCommands.DeleteLink(settings.BridgeName);
    }

    public EndpointInfo CreateEndpoint(string networkId, string endpointId, EndpointSpec endpoint)
    {
        var settings = NetworkOf(networkId);
        var address = endpoint.IPv4Address;
        if (address.Length > 0 && !IPNetwork.TryParse(address, out _))
        {
            throw DriverException.InvalidArgument($"invalid endpoint address \"{address}\"");
        }
        var mac = endpoint.MacAddress.Length > 0 ? endpoint.MacAddress : MacFor(address);
        _endpoints[endpointId] = new BridgeEndpoint(networkId, HostVethName(endpointId), endpoint with { MacAddress = mac });
        return new EndpointInfo(address, settings.Internal ? "" : endpoint.Gateway, mac);
    }

    public void DeleteEndpoint(string networkId, string endpointId)
    {
        if (_endpoints.TryRemove(endpointId, out var removed))
        {
            removed.StopProxies();
        }
        LinkCommands.DeleteLink(HostVethName(endpointId));
    }

    public void Join(string networkId, string endpointId, string sandboxKey)
    {
        var settings = NetworkOf(networkId);
        var endpoint = _endpoints.TryGetValue(endpointId, out var found) ? found
            : throw DriverException.NotFound($"endpoint {endpointId} not found on network {networkId}");
        var spec = endpoint.Spec;
        var interfaceName = LinkCommands.FreeInterfaceName(sandboxKey);
        try
        {
            LinkCommands.PlugIntoSandbox(settings, endpoint.HostVeth, sandboxKey, interfaceName, spec.MacAddress, spec.IPv4Address, spec.Gateway);
            Ipv6Bridge.ConfigureSandbox(settings, sandboxKey, interfaceName, spec);
            StartProxies(endpoint);
            _firewall.Publish(settings, Ipv6Bridge.IPv4Only(spec.PortBindings), AddressOnly(spec.IPv4Address));
            _firewall.PublishIPv6(settings, spec.PortBindings, AddressOnly(spec.IPv6Address));
            endpoint.Joined = true;
        }
        catch
        {
            endpoint.StopProxies();
            LinkCommands.DeleteLink(endpoint.HostVeth);
            throw;
        }
    }

    public void Leave(string networkId, string endpointId)
    {
        if (!_endpoints.TryGetValue(endpointId, out var endpoint) || !endpoint.Joined || !_networks.TryGetValue(networkId, out var settings))
        {
            return;
        }
        endpoint.Joined = false;
        endpoint.StopProxies();
        try
        {
            _firewall.Unpublish(settings, Ipv6Bridge.IPv4Only(endpoint.Spec.PortBindings), AddressOnly(endpoint.Spec.IPv4Address));
            _firewall.UnpublishIPv6(settings, endpoint.Spec.PortBindings, AddressOnly(endpoint.Spec.IPv6Address));
        }
        finally
        {
            // The pair dies with the sandbox's namespace; deleting the host end frees it at once.
            LinkCommands.DeleteLink(endpoint.HostVeth);
        }
    }

    // A daemon restarted with the other firewall-backend must not keep forwarding through the rules the first one wrote.
    private void RemoveOtherBackendsRules(BridgeSettings settings)
    {
        if (_firewall is not NftRuleset)
        {
            new NftRuleset().Remove(settings);
        }
        else if (Iptables.IptablesCommand.Installed)
        {
            Iptables.IptablesCleanup.Remove(new Iptables.IptablesChains(settings.BridgeName));
        }
    }

    private BridgeSettings NetworkOf(string networkId) =>
        _networks.TryGetValue(networkId, out var settings) ? settings
            : throw DriverException.NotFound($"network {networkId} not found in the bridge driver");

    // "veth" and 11 hex digits: the 15 characters a Linux interface name can hold, derived so that a later daemon can
    // find the link of an endpoint it never saw.
    private static string HostVethName(string endpointId) => "veth" + endpointId[..Math.Min(11, endpointId.Length)];

    private static string AddressOnly(string cidr) => cidr.Split('/')[0];

    // Docker's scheme: 02:42 followed by the IPv4 address, so a MAC never repeats within a network.
    private static string MacFor(string cidr)
    {
        if (cidr.Length == 0 || !IPAddress.TryParse(AddressOnly(cidr), out var ip))
        {
            var random = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
            return "02:42:" + string.Join(':', random.Select(b => b.ToString("x2")));
        }
        return "02:42:" + string.Join(':', ip.GetAddressBytes().Select(b => b.ToString("x2")));
    }

    private sealed class BridgeEndpoint(string networkId, string hostVeth, EndpointSpec spec)
    {
        public string NetworkId { get; } = networkId;
        public string HostVeth { get; } = hostVeth;
        public EndpointSpec Spec { get; } = spec;
        public bool Joined { get; set; }
        public EndpointProxies? Proxies { get; set; }

        public void StopProxies()
        {
            Proxies?.Dispose();
            Proxies = null;
        }
    }
}
