namespace Modular.Network.Bridge.Iptables;

/// <summary>
/// Removes a bridge network's iptables and ip6tables chains and every rule that jumps to them, found in
/// <c>iptables-save</c> rather than remembered, so what an earlier daemon (or a crash half-way) left is removed as well.
/// </summary>
internal static class IptablesCleanup
{
    public static void Remove(IptablesChains chains)
    {
        foreach (var family in new[] { IpFamily.V4, IpFamily.V6 }.Where(IptablesCommand.InstalledFor))
        {
            Remove(family, chains);
        }
    }

    private static void Remove(IpFamily family, IptablesChains chains)
    {
        foreach (var table in chains.All.Select(c => c.Table).Distinct())
        {
            var ours = chains.All.Where(c => c.Table == table).Select(c => c.Chain).ToHashSet(StringComparer.Ordinal);
            var saved = IptablesCommand.Save(family, table);
            foreach (var line in saved)
            {
                var rule = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // "-A FORWARD ... -j MODULAR-FWD-br0": a hook from a chain that is not ours.
                if (rule.Length >= 4 && rule[0] == "-A" && !ours.Contains(rule[1]) && rule[^2] == "-j" && ours.Contains(rule[^1]))
                {
                    IptablesCommand.Run(family, ["-t", table, "-D", .. rule[1..]]);
                }
            }
            foreach (var chain in ours.Where(c => saved.Any(l => l.StartsWith($":{c} ", StringComparison.Ordinal))))
            {
                IptablesCommand.Run(family, ["-t", table, "-F", chain]);
                IptablesCommand.Run(family, ["-t", table, "-X", chain]);
            }
        }
    }
}
