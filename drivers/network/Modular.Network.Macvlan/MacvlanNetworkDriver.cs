using System.Collections.Concurrent;
using System.Net;
using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Network.Macvlan;

/// <summary>
/// Docker's macvlan driver: each container gets a macvlan link on the network's parent interface, with a MAC of its
/// own, the kernel-allocated address and a default route through the network's gateway (a router outside the host).
/// A <c>name.vlan</c> parent that does not exist is created as an 802.1q sub-interface and removed with the network;
/// a network without a parent gets a dummy parent of its own. Macvlan links cannot reach their parent's host, by
/// design of the kernel's macvlan, so nothing is programmed on the host besides the links.
/// </summary>
public sealed class MacvlanNetworkDriver : INetworkDriver
{
    public const string DriverName = "macvlan";

    private readonly ConcurrentDictionary<string, MacvlanSettings> _networks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MacvlanEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly ParentState _createdParents;
    private readonly IDriverLog _log;
    private readonly object _parentLock = new();

    public MacvlanNetworkDriver(DriverContext context)
    {
        _createdParents = new ParentState(context.Root);
        _log = context.Log;
    }

    public string Name => DriverName;

    public NetworkCapabilities Capabilities { get; } = new(SandboxKind.Private) { NeedsAddresses = true, SupportsIPv6 = true };

    public void CreateNetwork(NetworkSpec network)
    {
        var settings = MacvlanSettings.From(network);
        lock (_parentLock)
        {
            if (_networks.Values.FirstOrDefault(n => n.Parent == settings.Parent && n.NetworkId != network.Id) is { } other)
            {
                throw DriverException.Conflict($"network {other.NetworkId[..12]} is already using parent interface {settings.Parent}");
            }
            EnsureParent(settings);
            _networks[network.Id] = settings;
        }
    }

    private void EnsureParent(MacvlanSettings settings)
    {
        var created = _createdParents.Read().TryGetValue(settings.NetworkId, out var recorded) ? recorded : null;
        if (!IpCommand.LinkExists(settings.Parent))
        {
            if (settings.Parent == MacvlanSettings.DummyParentOf(settings.NetworkId))
            {
                _createdParents.Set(settings.NetworkId, settings.Parent);
                CreateOwnParent(settings);
                return;
            }
            if (settings.Vlan is not { } vlan)
            {
                throw DriverException.InvalidArgument($"-o parent interface was not found on the host: {settings.Parent}");
            }
            if (!IpCommand.LinkExists(vlan.Link))
            {
                throw DriverException.InvalidArgument($"-o parent interface was not found on the host: {vlan.Link}");
            }
            // Recorded before it exists: a daemon killed in between still knows to remove it with the network.
            _createdParents.Set(settings.NetworkId, settings.Parent);
            try
            {
                IpCommand.Batch([$"link set {vlan.Link} up", $"link add link {vlan.Link} name {settings.Parent} type vlan id {vlan.Id}", $"link set {settings.Parent} up"]);
            }
            catch (DriverException e)
            {
                _createdParents.Set(settings.NetworkId, null);
                throw e.Message.Contains("Unknown device type", StringComparison.Ordinal)
                    ? new DriverException(DriverErrorKind.NotSupported, $"cannot create the 802.1q sub-interface {settings.Parent}: this kernel has no VLAN (8021q) support", e)
                    : e;
            }
            _log.Info($"Created 802.1q sub-interface {settings.Parent} for macvlan network {settings.NetworkId[..12]}");
            return;
        }
        if (created is not null && created != settings.Parent)
        {
            _createdParents.Set(settings.NetworkId, null);
        }
        IpCommand.Batch([$"link set {settings.Parent} up"]);
    }

    // dockerd makes a dummy link; a kernel without the dummy module gets a veth pair instead, whose other end (dp-...)
    // goes with it: either way a parent that reaches nothing outside the host.
    private void CreateOwnParent(MacvlanSettings settings)
    {
        try
        {
            try
            {
                IpCommand.Batch([$"link add {settings.Parent} type dummy", $"link set {settings.Parent} up"]);
            }
            catch (DriverException e) when (e.Message.Contains("Unknown device type", StringComparison.Ordinal))
            {
                var peer = "dp-" + settings.Parent[3..];
                IpCommand.Batch([$"link add {settings.Parent} type veth peer name {peer}", $"link set {peer} up", $"link set {settings.Parent} up"]);
            }
        }
        catch
        {
            _createdParents.Set(settings.NetworkId, null);
            throw;
        }
    }

    public void DeleteNetwork(string networkId)
    {
        lock (_parentLock)
        {
            _networks.TryRemove(networkId, out _);
            if (_createdParents.Read().TryGetValue(networkId, out var parent))
            {
                if (IpCommand.LinkExists(parent))
                {
                    IpCommand.Batch([$"link del {parent}"]);
                }
                _createdParents.Set(networkId, null);
            }
        }
    }

    public EndpointInfo CreateEndpoint(string networkId, string endpointId, EndpointSpec endpoint)
    {
        var settings = NetworkOf(networkId);
        var address = endpoint.IPv4Address;
        if (address.Length > 0 && !IPNetwork.TryParse(address, out _))
        {
            throw DriverException.InvalidArgument($"invalid endpoint address \"{address}\"");
        }
        var mac = endpoint.MacAddress.Length > 0 ? endpoint.MacAddress : MacAddresses.For(address);
        var gateway = settings.Internal ? "" : endpoint.Gateway;
        _endpoints[endpointId] = new MacvlanEndpoint(networkId, address, gateway, mac)
        {
            IPv6Address = endpoint.IPv6Address,
            IPv6Gateway = settings.Internal ? "" : endpoint.IPv6Gateway,
        };
        return new EndpointInfo(address, gateway, mac);
    }

    public void DeleteEndpoint(string networkId, string endpointId) => _endpoints.TryRemove(endpointId, out _);

    public void Join(string networkId, string endpointId, string sandboxKey)
    {
        var settings = NetworkOf(networkId);
        var endpoint = _endpoints.TryGetValue(endpointId, out var found) ? found
            : throw DriverException.NotFound($"endpoint {endpointId} not found on network {networkId}");
        var interfaceName = SandboxInterfaces.FreeEthName(sandboxKey);
        // Created straight inside the sandbox under its final name: no transient link in the host's namespace.
        IpCommand.Batch([$"link add {interfaceName} link {settings.Parent} address {endpoint.MacAddress} netns {sandboxKey} type macvlan mode {settings.Mode}"]);
        try
        {
            var inside = new List<string> { "link set lo up" };
            if (endpoint.Address.Length > 0)
            {
                inside.Add($"addr add {endpoint.Address} dev {interfaceName}");
            }
            inside.Add($"link set {interfaceName} up");
            if (endpoint.Gateway.Length > 0)
            {
                inside.Add($"route replace default via {endpoint.Gateway} dev {interfaceName}");
            }
            if (endpoint.IPv6Address.Length > 0)
            {
                // nodad: the kernel's IPAM hands each address out once, and DAD would keep it unusable for a second.
                inside.Add($"addr add {endpoint.IPv6Address} dev {interfaceName} nodad");
                if (endpoint.IPv6Gateway.Length > 0)
                {
                    inside.Add($"route replace default via {endpoint.IPv6Gateway} dev {interfaceName}");
                }
            }
            IpCommand.BatchInside(sandboxKey, inside);
        }
        catch
        {
            TryDeleteInside(sandboxKey, interfaceName);
            throw;
        }
        endpoint.Joined = (sandboxKey, interfaceName);
    }

    public void Leave(string networkId, string endpointId)
    {
        if (_endpoints.TryGetValue(endpointId, out var endpoint) && endpoint.Joined is var (sandboxKey, interfaceName))
        {
            endpoint.Joined = null;
            TryDeleteInside(sandboxKey, interfaceName);
        }
    }

    // A sandbox that is already gone took the link with it.
    private void TryDeleteInside(string sandboxKey, string interfaceName)
    {
        if (!File.Exists(sandboxKey))
        {
            return;
        }
        try
        {
            IpCommand.BatchInside(sandboxKey, [$"link del {interfaceName}"]);
        }
        catch (DriverException e)
        {
            _log.Warn($"Could not remove {interfaceName} from {sandboxKey}: {e.Message}");
        }
    }

    private MacvlanSettings NetworkOf(string networkId) =>
        _networks.TryGetValue(networkId, out var settings) ? settings
            : throw DriverException.NotFound($"network {networkId} not found in the macvlan driver");

    private sealed class MacvlanEndpoint(string networkId, string address, string gateway, string macAddress)
    {
        public string NetworkId { get; } = networkId;
        public string Address { get; } = address;
        public string Gateway { get; } = gateway;
        public string MacAddress { get; } = macAddress;
        public string IPv6Address { get; init; } = "";
        public string IPv6Gateway { get; init; } = "";
        public (string SandboxKey, string InterfaceName)? Joined { get; set; }
    }
}
