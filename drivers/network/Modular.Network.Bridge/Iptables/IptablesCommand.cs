namespace Modular.Network.Bridge.Iptables;

/// <summary>
/// The iptables tools the backend uses (Debian's are iptables-nft: the same commands and semantics, stored as
/// nftables), always with <c>-w</c> so another program holding the xtables lock is waited for, not failed on.
/// </summary>
internal static class IptablesCommand
{
    public static bool Installed => File.Exists("/usr/sbin/iptables") || File.Exists("/sbin/iptables");

    public static void Run(IReadOnlyList<string> arguments) => HostCommand.Run("iptables", ["-w", .. arguments]);

    /// <summary>Applies an iptables-restore script without flushing what it does not name; all of it or nothing.</summary>
    public static void Restore(string script) => HostCommand.Run("iptables-restore", ["-w", "--noflush"], script);

    /// <summary>The table's rules and chain declarations as <c>iptables-save</c> prints them, one per line.</summary>
    public static IReadOnlyList<string> Save(string table) =>
        HostCommand.Run("iptables-save", ["-t", table]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
