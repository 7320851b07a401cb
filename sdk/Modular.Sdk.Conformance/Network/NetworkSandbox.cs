using System.Diagnostics;

namespace Modular.Sdk.Conformance.Network;

/// <summary>
/// A named network namespace for network driver tests (<c>ip netns add</c>, loopback up), standing in for a
/// container's sandbox; commands run inside it through <c>ip netns exec</c>. Removed on dispose. Needs root.
/// </summary>
public sealed class NetworkSandbox : IDisposable
{
    private NetworkSandbox(string name) => Name = name;

    /// <summary>The namespace's name under /run/netns.</summary>
    public string Name { get; }

    /// <summary>The sandbox key drivers join: the namespace's bind-mounted file.</summary>
    public string Path => $"/run/netns/{Name}";

    /// <summary>Creates a fresh namespace with a unique name.</summary>
    public static NetworkSandbox Create()
    {
        var name = $"modnet-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];
        Host("ip", "netns", "add", name);
        var created = new NetworkSandbox(name);
        try
        {
            Host("ip", "-n", name, "link", "set", "lo", "up");
            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    /// <summary>Runs a command inside the namespace; returns its exit code and output.</summary>
    public (int ExitCode, string Output) Exec(params string[] command) => Run("ip", ["netns", "exec", Name, .. command]);

    /// <summary>Starts a long-running command inside the namespace (e.g. a server); the caller kills it.</summary>
    public Process Start(params string[] command) =>
        Process.Start(new ProcessStartInfo("ip", ["netns", "exec", Name, .. command]) { RedirectStandardOutput = true, RedirectStandardError = true })
        ?? throw new InvalidOperationException("could not start ip netns exec");

    /// <summary>The namespace's link names, sorted.</summary>
    public string[] LinkNames() => LinkNamesOf(Host("ip", "-n", Name, "-o", "link", "show"));

    /// <summary>The host namespace's link names, sorted.</summary>
    public static string[] HostLinkNames() => LinkNamesOf(Host("ip", "-o", "link", "show"));

    /// <summary>The host's nftables tables (<c>nft list tables</c>), sorted.</summary>
    public static string[] HostNftTables() =>
        Host("nft", "list", "tables").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A UDP socket bound to <paramref name="port"/> on every address inside the namespace; the caller disposes it.</summary>
    public System.Net.Sockets.Socket BindUdp(int port) => SandboxSockets.BindUdp(Path, port);

    /// <summary>
    /// The chains named MODULAR-* in the host's iptables and ip6tables (all tables), sorted: what an iptables firewall
    /// backend leaves behind. Empty where the iptables tools are missing.
    /// </summary>
    public static string[] HostIptablesChains() =>
        new[] { "iptables-save", "ip6tables-save" }
            .Where(tool => File.Exists($"/usr/sbin/{tool}") || File.Exists($"/sbin/{tool}"))
            .SelectMany(tool => Host(tool).Split('\n').Where(l => l.StartsWith(":MODULAR-", StringComparison.Ordinal)).Select(l => $"{tool} {l.Split(' ')[0]}"))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Whether anything on the host listens on (tcp) or is bound to (udp) <paramref name="port"/>.</summary>
    public static bool HostPortInUse(string protocol, int port) =>
        Host("ss", "-H", "-n", "-a", protocol == "udp" ? "-u" : "-t", "sport", "=", $":{port}")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Any(line => protocol == "udp" || line.StartsWith("LISTEN", StringComparison.Ordinal));

    /// <inheritdoc />
    public void Dispose() => Run("ip", ["netns", "delete", Name]);

    /// <summary>Runs a command in the host's namespace and returns its output; a failure throws with its stderr.</summary>
    public static string Host(string program, params string[] arguments)
    {
        var (exitCode, output) = Run(program, arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({exitCode}): {output}");
    }

    private static string[] LinkNamesOf(string ipOutput) =>
        ipOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':')[1].Trim().Split('@')[0])
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static (int ExitCode, string Output) Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.GetAwaiter().GetResult() + error);
    }
}
