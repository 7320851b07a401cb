namespace Modular.Kernel.Networks;

/// <summary>What pool choice needs of an IPv4 or IPv6 subnet, so the choice is written once for both families.</summary>
public interface ISubnet<TSelf> where TSelf : struct, ISubnet<TSelf>
{
    int PrefixLength { get; }

    bool Overlaps(TSelf other);
}

/// <summary>Picks a network's subnet from default pools, for either address family.</summary>
public static class SubnetPools
{
    /// <summary>The first candidate that overlaps nothing taken and no host route (a skipped route is logged), or null.</summary>
    public static TSubnet? FirstFree<TSubnet>(IEnumerable<TSubnet> candidates, IReadOnlyList<TSubnet> taken, IReadOnlyList<TSubnet> hostRoutes, Action<string> log)
        where TSubnet : struct, ISubnet<TSubnet>
    {
        foreach (var candidate in candidates)
        {
            if (taken.Any(candidate.Overlaps))
            {
                continue;
            }
            if (hostRoutes.FirstOrDefault(candidate.Overlaps) is { PrefixLength: > 0 } route)
            {
                log($"Skipping address pool {candidate}: it overlaps the host's route to {route}");
                continue;
            }
            return candidate;
        }
        return null;
    }
}
