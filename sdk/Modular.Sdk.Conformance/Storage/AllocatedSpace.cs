using System.Runtime.InteropServices;

namespace Modular.Sdk.Conformance.Storage;

/// <summary>How many bytes of disk a file really occupies (<c>st_blocks</c> × 512), which tells a sparse file from a full one.</summary>
internal static unsafe partial class AllocatedSpace
{
    // st_blocks sits at byte 64 of struct stat on both x86_64 and aarch64 (the generic layout).
    private const int BlocksOffset = 64;

    public static long Of(string path)
    {
        var buffer = stackalloc byte[256];
        if (lstat(path, buffer) != 0)
        {
            throw new IOException($"lstat {path} failed with errno {Marshal.GetLastPInvokeError()}");
        }
        return *(long*)(buffer + BlocksOffset) * 512;
    }

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat(string path, byte* buffer);
}
