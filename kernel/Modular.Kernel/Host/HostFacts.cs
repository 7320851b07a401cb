using System.Runtime.InteropServices;

namespace Modular.Kernel.Host;

/// <summary>Facts about the host that /version and /info report, read once from /proc and /etc.</summary>
public static class HostFacts
{
    public static string KernelVersion { get; } = ReadTrimmed("/proc/sys/kernel/osrelease");

    public static string OperatingSystem { get; } = OsRelease("PRETTY_NAME") ?? "Linux";

    public static string OsVersion { get; } = OsRelease("VERSION_ID") ?? "";

    public static string Architecture { get; } = RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64",
        System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The Go-style architecture name the API uses in /version (amd64, arm64).</summary>
    public static string GoArchitecture { get; } = RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    public static long MemoryTotal { get; } = ReadMemTotal();

    /// <summary>"2" when /sys/fs/cgroup is a cgroup2 mount, else "1" (v1 or the hybrid layout this machine has).</summary>
    public static string CgroupVersion { get; } = File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1";

    public static int OpenFileDescriptors()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "";

    private static string? OsRelease(string key)
    {
        const string path = "/etc/os-release";
        if (!File.Exists(path))
        {
            return null;
        }
        return File.ReadLines(path)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2 && p[0] == key)
            .Select(p => p[1].Trim('"'))
            .FirstOrDefault();
    }

    private static long ReadMemTotal()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kib, out var value) ? value * 1024 : 0;
    }
}
