using System.Runtime.InteropServices;

namespace Modular.Kernel.Host;

/// <summary>
/// Asks the kernel to reclaim the pages the daemon has mapped from files: the runtime's libraries and the framework's,
/// the kernel's and the drivers' assemblies. Most of an idle daemon's resident memory is such code and metadata, read
/// once at start or by the last request and not needed while nothing happens (Android reclaims a background app's
/// pages the same way). A page shared with another process is left alone by the kernel, a dirty one is written back
/// first, so nothing is lost: the next request reads what it needs again, from the page cache or the disk.
/// </summary>
public static partial class MappedFilePageOut
{
    // From linux/mman.h; Linux 5.4 and later. Older kernels answer EINVAL and keep the pages.
    private const int MadvPageOut = 21;

    /// <summary>Pages out every file-backed mapping; returns how many mappings were given to the kernel.</summary>
    public static int Run()
    {
        var advised = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            if (FileBackedRange(line) is not var (start, length))
            {
                continue;
            }
            // Failures (a locked or device mapping) only mean those pages stay resident.
            if (MAdvise((nint)start, (nuint)length, MadvPageOut) == 0)
            {
                advised++;
            }
        }
        return advised;
    }

    // A maps line: "start-end perms offset dev inode   path"; memfd and tmpfs mappings (the JIT's double-mapped code)
    // have no file to page back in from, and device mappings are not page cache.
    private static (ulong Start, ulong Length)? FileBackedRange(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length < 6 || !fields[5].StartsWith('/') || fields[5].StartsWith("/memfd:", StringComparison.Ordinal)
            || fields[5].StartsWith("/dev/", StringComparison.Ordinal))
        {
            return null;
        }
        var range = fields[0].Split('-');
        if (range.Length != 2 || !ulong.TryParse(range[0], System.Globalization.NumberStyles.HexNumber, null, out var start)
            || !ulong.TryParse(range[1], System.Globalization.NumberStyles.HexNumber, null, out var end) || end <= start)
        {
            return null;
        }
        return (start, end - start);
    }

    [LibraryImport("libc.so.6", EntryPoint = "madvise", SetLastError = true)]
    private static partial int MAdvise(nint address, nuint length, int advice);
}
