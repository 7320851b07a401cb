using Modular.Sdk;
using Modular.Sdk.Network;

namespace Modular.Network.Bridge.Iptables;

/// <summary>
/// The iptables backend (daemon.json <c>firewall-backend: iptables</c>): each network's rules in chains of its own
/// (<see cref="IptablesChains"/>) hooked from the standard chains, written atomically per table with iptables-restore.
/// Isolation needs every network to know the others' bridges, so applying or removing a network rewrites the forward
/// chains of the networks this driver holds; bridges of other daemons and engines are not isolated from (dockerd's
/// iptables rules likewise isolate only its own networks).
/// </summary>
internal sealed class IptablesFirewall : IFirewallBackend
{
    private readonly object _lock = new();
    private readonly Dictionary<string, BridgeSettings> _networks = new(StringComparer.Ordinal);

    public IptablesFirewall()
    {
        if (!IptablesCommand.Installed)
        {
            throw DriverException.NotSupported("firewall-backend iptables: the iptables tools are not installed (iptables, iptables-save, iptables-restore)");
        }
    }

    public void Apply(BridgeSettings settings)
    {
        lock (_lock)
        {
            IptablesCleanup.Remove(new IptablesChains(settings.BridgeName));
            var others = _networks.Keys.Where(b => b != settings.BridgeName).ToList();
            IptablesCommand.Restore(IptablesRules.Nat(settings) + IptablesRules.Filter(settings, others, withHook: true));
            _networks[settings.BridgeName] = settings;
            RewriteForwardChains(except: settings.BridgeName);
        }
    }

    public void Remove(BridgeSettings settings)
    {
        lock (_lock)
        {
            _networks.Remove(settings.BridgeName);
            IptablesCleanup.Remove(new IptablesChains(settings.BridgeName));
            RewriteForwardChains(except: settings.BridgeName);
        }
    }

    public void Publish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress)
    {
        if (ports.Count == 0)
        {
            return;
        }
        var chain = new IptablesChains(settings.BridgeName).Dnat;
        var lines = ports.Select(p => $"-A {chain} {string.Join(' ', IptablesRules.Dnat(p, containerAddress))}");
        IptablesCommand.Restore("*nat\n" + string.Join('\n', lines) + "\nCOMMIT\n");
    }

    public void Unpublish(BridgeSettings settings, IReadOnlyList<PortMapping> ports, string containerAddress)
    {
        var chain = new IptablesChains(settings.BridgeName).Dnat;
        foreach (var port in ports)
        {
            try
            {
                IptablesCommand.Run(["-t", "nat", "-D", chain, .. IptablesRules.Dnat(port, containerAddress)]);
            }
            catch (DriverException)
            {
                // Already gone, with the network's chain or by hand: the port is not forwarded either way.
            }
        }
    }

    private void RewriteForwardChains(string except)
    {
        foreach (var network in _networks.Values.Where(n => n.BridgeName != except))
        {
            IptablesCommand.Restore(IptablesRules.Filter(network, _networks.Keys.Where(b => b != network.BridgeName), withHook: false));
        }
    }
}
