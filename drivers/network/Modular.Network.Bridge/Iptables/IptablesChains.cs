namespace Modular.Network.Bridge.Iptables;

/// <summary>
/// The iptables chains of one bridge network, named after its bridge so networks (and daemons) never share one:
/// <c>MODULAR-DNAT-&lt;bridge&gt;</c> (nat: published ports), <c>MODULAR-POST-&lt;bridge&gt;</c> (nat: masquerade) and
/// <c>MODULAR-FWD-&lt;bridge&gt;</c> (filter: isolation and forwarding). A bridge name has at most 15 characters, so each
/// name fits iptables' 28.
/// </summary>
internal sealed record IptablesChains(string Bridge)
{
    public string Dnat => "MODULAR-DNAT-" + Bridge;

    public string Postrouting => "MODULAR-POST-" + Bridge;

    public string Forward => "MODULAR-FWD-" + Bridge;

    /// <summary>Each chain with its table.</summary>
    public IReadOnlyList<(string Table, string Chain)> All => [("nat", Dnat), ("nat", Postrouting), ("filter", Forward)];
}
