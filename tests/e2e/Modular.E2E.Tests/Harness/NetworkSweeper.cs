using System.Text.Json;

namespace Modular.E2E.Tests.Harness;

/// <summary>
/// Removes the host-side network resources of a daemon under test: for every bridge network in its
/// &lt;data-root&gt;/network/networks.json, the bridge interface and the nftables tables and iptables chains named after it. Runs after the
/// daemon's processes are gone, so the veths died with the containers' namespaces.
/// </summary>
public static class NetworkSweeper
{
    public static async Task SweepAsync(string dataRoot, List<string> problems)
    {
        // The default bridge is named after the daemon's root (PrivateDaemon.BridgeName), so it is swept even when
        // networks.json is gone, e.g. with a data-root on a filesystem the test has already unmounted.
        var root = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(dataRoot))) ?? "";
        var defaultBridge = root.StartsWith("modular-e2e-", StringComparison.Ordinal) ? ["me" + root["modular-e2e-".Length..]] : Array.Empty<string>();
        foreach (var bridge in BridgeNames(dataRoot).Union(defaultBridge))
        {
            if (Directory.Exists($"/sys/class/net/{bridge}"))
            {
                var delete = await CommandRunner.RunAsync("ip", ["link", "del", bridge], timeout: TimeSpan.FromSeconds(20));
                if (delete.ExitCode != 0 && Directory.Exists($"/sys/class/net/{bridge}"))
                {
                    problems.Add($"ip link del {bridge} failed: {delete}");
                }
            }
            foreach (var family in new[] { "inet", "ip" })
            {
                await CommandRunner.RunAsync("nft", ["delete", "table", family, "modular-" + bridge], timeout: TimeSpan.FromSeconds(20));
            }
            await RemoveIptablesChainsAsync(bridge);
        }
    }

    /// <summary>firewall-backend iptables: the bridge's MODULAR-*-&lt;bridge&gt; chains and the standard chains' jumps to them.</summary>
    public static async Task RemoveIptablesChainsAsync(string bridge)
    {
        if (!File.Exists("/usr/sbin/iptables-save"))
        {
            return;
        }
        var ours = new[] { "DNAT", "POST", "FWD" }.Select(c => $"MODULAR-{c}-{bridge}").ToHashSet(StringComparer.Ordinal);
        foreach (var table in new[] { "nat", "filter" })
        {
            var saved = await CommandRunner.RunAsync("iptables-save", ["-t", table], timeout: TimeSpan.FromSeconds(20));
            foreach (var rule in saved.Stdout.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            {
                if (rule.Length >= 4 && rule[0] == "-A" && !ours.Contains(rule[1]) && ours.Contains(rule[^1]))
                {
                    await CommandRunner.RunAsync("iptables", ["-w", "-t", table, "-D", .. rule[1..]], timeout: TimeSpan.FromSeconds(20));
                }
            }
            foreach (var chain in ours.Where(c => saved.Stdout.Contains($":{c} ", StringComparison.Ordinal)))
            {
                await CommandRunner.RunAsync("iptables", ["-w", "-t", table, "-F", chain], timeout: TimeSpan.FromSeconds(20));
                await CommandRunner.RunAsync("iptables", ["-w", "-t", table, "-X", chain], timeout: TimeSpan.FromSeconds(20));
            }
        }
    }

    /// <summary>The bridge interfaces of the daemon's bridge networks, named as the bridge driver names them.</summary>
    public static IReadOnlyList<string> BridgeNames(string dataRoot)
    {
        var file = Path.Combine(dataRoot, "network", "networks.json");
        if (!File.Exists(file))
        {
            return [];
        }
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var names = new List<string>();
        foreach (var network in document.RootElement.EnumerateArray())
        {
            if (network.GetProperty("Driver").GetString() != "bridge")
            {
                continue;
            }
            var options = network.GetProperty("Options");
            names.Add(options.TryGetProperty("com.docker.network.bridge.name", out var name) && name.GetString() is { Length: > 0 } given
                ? given
                : "br-" + network.GetProperty("Id").GetString()![..12]);
        }
        return names;
    }
}
