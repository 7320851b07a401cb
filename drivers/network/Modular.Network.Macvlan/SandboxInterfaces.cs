using System.Diagnostics;

namespace Modular.Network.Macvlan;

/// <summary>The interfaces inside a sandbox, to name a new one ethN after those present (a second network gets eth1).</summary>
internal static class SandboxInterfaces
{
    public static string FreeEthName(string sandboxKey)
    {
        var names = Names(sandboxKey);
        for (var index = 0; ; index++)
        {
            if (!names.Contains($"eth{index}"))
            {
                return $"eth{index}";
            }
        }
    }

    private static HashSet<string> Names(string sandboxKey)
    {
        // /proc/<pid>/ns/net has /proc/<pid>/net/dev beside it; a named namespace (/run/netns/x) needs a look inside.
        var procNetDev = sandboxKey.EndsWith("/ns/net", StringComparison.Ordinal) ? sandboxKey[..^"/ns/net".Length] + "/net/dev" : null;
        var lines = procNetDev is not null && File.Exists(procNetDev) ? File.ReadAllLines(procNetDev) : ReadInside(sandboxKey);
        return lines.Skip(2).Select(l => l.Split(':')[0].Trim()).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    private static string[] ReadInside(string sandboxKey)
    {
        var start = new ProcessStartInfo("nsenter", [$"--net={sandboxKey}", "cat", "/proc/net/dev"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new Sdk.DriverException(Sdk.DriverErrorKind.Internal, "could not start nsenter");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
