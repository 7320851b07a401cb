using System.Diagnostics;

namespace Modular.Conformance.Tests.Network;

/// <summary>
/// What the macvlan tests make on the host, each with a name of its own and removed on dispose even after a failure:
/// dummy parent links and network namespaces.
/// </summary>
internal sealed class MacvlanTestHost : IDisposable
{
    private readonly List<string> _links = [];
    private readonly List<string> _namespaces = [];

    /// <summary>
    /// A link to serve as a parent: one end of a veth pair whose other end is up (this kernel has no dummy links);
    /// 9 characters, so "name.4094" still fits in 15.
    /// </summary>
    public string AddParent()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var name = "mvc" + suffix;
        _links.Add(name);
        Run("ip", "link", "add", name, "type", "veth", "peer", "name", "mvp" + suffix);
        Run("ip", "link", "set", "mvp" + suffix, "up");
        return name;
    }

    /// <summary>Whether this kernel can make 802.1q sub-interfaces (it may lack the 8021q module).</summary>
    public static bool KernelHasVlans()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        Run("ip", "link", "add", "mvv" + suffix, "type", "veth", "peer", "name", "mvw" + suffix);
        try
        {
            return RunForExitCode("ip", "link", "add", "link", "mvv" + suffix, "name", "mvv" + suffix + ".2", "type", "vlan", "id", "2") == 0;
        }
        finally
        {
            RunForExitCode("ip", "link", "del", "mvv" + suffix);
        }
    }

    /// <summary>A named network namespace with loopback up; returns its path (the sandbox key).</summary>
    public string AddNamespace()
    {
        var name = "mvcns" + Guid.NewGuid().ToString("N")[..8];
        _namespaces.Add(name);
        Run("ip", "netns", "add", name);
        Run("ip", "-n", name, "link", "set", "lo", "up");
        return $"/run/netns/{name}";
    }

    public static string NameOf(string sandboxKey) => Path.GetFileName(sandboxKey);

    public static bool LinkExists(string name) => Directory.Exists($"/sys/class/net/{name}");

    // Only links this suite or the macvlan driver can make (test parents, the driver's own parents, vlan
    // sub-interfaces): other suites run at the same time and add or remove bridges and veths of their own.
    public static string[] HostLinks() =>
        Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).OfType<string>()
            .Where(name => name.StartsWith("mvc", StringComparison.Ordinal) || name.StartsWith("mvp", StringComparison.Ordinal)
                || name.StartsWith("dm-", StringComparison.Ordinal) || name.StartsWith("dp-", StringComparison.Ordinal) || name.Contains('.'))
            .Order(StringComparer.Ordinal).ToArray();

    public static string Inside(string sandboxKey, params string[] command) => Run("ip", ["netns", "exec", NameOf(sandboxKey), .. command]);

    public static int ExitCodeInside(string sandboxKey, params string[] command) => RunForExitCode("ip", ["netns", "exec", NameOf(sandboxKey), .. command]);

    public void Dispose()
    {
        foreach (var name in _namespaces)
        {
            RunForExitCode("ip", "netns", "delete", name);
        }
        foreach (var name in _links.Where(LinkExists))
        {
            RunForExitCode("ip", "link", "del", name);
        }
    }

    public static string Run(string program, params string[] arguments)
    {
        var (exitCode, output, error) = Execute(program, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({exitCode}): {error}");
        }
        return output;
    }

    private static int RunForExitCode(string program, params string[] arguments) => Execute(program, arguments).ExitCode;

    private static (int ExitCode, string Output, string Error) Execute(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.GetAwaiter().GetResult(), error);
    }
}
