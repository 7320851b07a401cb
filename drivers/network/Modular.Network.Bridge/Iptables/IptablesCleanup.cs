namespace Modular.Network.Bridge.Iptables;

/// <summary>
/// Removes a bridge network's iptables chains and every rule that jumps to them, found in <c>iptables-save</c> rather
/// than remembered, so what an earlier daemon (or a crash half-way) left is removed as well.
/// </summary>
internal static class IptablesCleanup
{
    public static void Remove(IptablesChains chains)
    {
        foreach (var table in chains.All.Select(c => c.Table).Distinct())
        {
            var ours = chains.All.Where(c => c.Table == table).Select(c => c.Chain).ToHashSet(StringComparer.Ordinal);
            var saved = IptablesCommand.Save(table);
            foreach (var line in saved)
            {
                var rule = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // "-A FORWARD ... -j MODULAR-FWD-br0": a hook from a chain that is not ours.
                if (rule.Length >= 4 && rule[0] == "-A" && !ours.Contains(rule[1]) && rule[^2] == "-j" && ours.Contains(rule[^1]))
                {
                    IptablesCommand.Run(["-t", table, "-D", .. rule[1..]]);
                }
            }
            foreach (var chain in ours.Where(c => saved.Any(l => l.StartsWith($":{c} ", StringComparison.Ordinal))))
            {
                IptablesCommand.Run(["-t", table, "-F", chain]);
                IptablesCommand.Run(["-t", table, "-X", chain]);
            }
        }
    }
}
