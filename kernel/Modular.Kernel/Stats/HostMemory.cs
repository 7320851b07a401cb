namespace Modular.Kernel.Stats;

/// <summary>The host's memory, which dockerd reports as a container's limit when its cgroup has none.</summary>
public static class HostMemory
{
    /// <summary>MemTotal of a /proc/meminfo text, in bytes (the file counts in kB).</summary>
    public static ulong ParseMemTotal(IEnumerable<string> meminfo)
    {
        foreach (var line in meminfo)
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return CgroupFiles.ParseNumber(fields[1]) * 1024;
            }
        }
        throw new InvalidDataException("meminfo has no MemTotal line");
    }

    /// <summary>v1's "unlimited" is a huge page-aligned number; any limit above the host's memory means the host's memory.</summary>
    public static ulong Cap(ulong limit, ulong hostMemory) => hostMemory > 0 && limit > hostMemory ? hostMemory : limit;
}
