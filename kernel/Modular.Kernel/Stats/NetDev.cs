using Modular.Api.Models;

namespace Modular.Kernel.Stats;

/// <summary>Interface counters from a /proc/&lt;pid&gt;/net/dev, i.e. of that process's network namespace.</summary>
public static class NetDev
{
    /// <summary>
    /// Every interface but loopback (dockerd reports only the container's endpoints); null when none is left, which is
    /// what dockerd shows for a container without a network.
    /// </summary>
    public static Dictionary<string, NetworkStats>? Parse(IEnumerable<string> lines)
    {
        Dictionary<string, NetworkStats>? interfaces = null;
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue; // the two header lines
            }
            var name = line[..colon].Trim();
            if (name == "lo")
            {
                continue;
            }
            // receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs drop …
            var counters = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(CgroupFiles.ParseNumber).ToArray();
            if (counters.Length < 12)
            {
                throw new InvalidDataException($"net/dev: interface {name} has {counters.Length} counters, fewer than 12");
            }
            interfaces ??= new Dictionary<string, NetworkStats>(StringComparer.Ordinal);
            interfaces[name] = new NetworkStats
            {
                RxBytes = counters[0],
                RxPackets = counters[1],
                RxErrors = counters[2],
                RxDropped = counters[3],
                TxBytes = counters[8],
                TxPackets = counters[9],
                TxErrors = counters[10],
                TxDropped = counters[11],
            };
        }
        return interfaces;
    }
}
