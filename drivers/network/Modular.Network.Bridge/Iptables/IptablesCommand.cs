namespace Modular.Network.Bridge.Iptables;

/// <summary>IPv4 rules go to iptables, IPv6 ones to ip6tables.</summary>
internal enum IpFamily
{
    V4,
    V6,
}

/// <summary>
/// The iptables tools the backend uses (Debian's are iptables-nft: the same commands and semantics, stored as
/// nftables), always with <c>-w</c> so another program holding the xtables lock is waited for, not failed on.
/// </summary>
internal static class IptablesCommand
{
    public static bool Installed => Exists("iptables");

    public static bool InstalledFor(IpFamily family) => Exists(Tool(family));

    public static void Run(IpFamily family, IReadOnlyList<string> arguments) => HostCommand.Run(Tool(family), ["-w", .. arguments]);

    /// <summary>Applies an iptables-restore script without flushing what it does not name; all of it or nothing.</summary>
    public static void Restore(IpFamily family, string script) => HostCommand.Run(Tool(family) + "-restore", ["-w", "--noflush"], script);

    /// <summary>The table's rules and chain declarations as <c>iptables-save</c> prints them, one per line.</summary>
    public static IReadOnlyList<string> Save(IpFamily family, string table) =>
        HostCommand.Run(Tool(family) + "-save", ["-t", table]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Tool(IpFamily family) => family == IpFamily.V6 ? "ip6tables" : "iptables";

    private static bool Exists(string tool) => File.Exists($"/usr/sbin/{tool}") || File.Exists($"/sbin/{tool}");
}
