using System.Runtime.InteropServices;
using System.Text;

namespace Modular.Sdk.Syscalls;

/// <summary>
/// statx(2)'s STATX_ATTR_MOUNT_ROOT (Linux 5.8+): whether a path is the root of a mount, in one system call.
/// </summary>
internal static unsafe class MountRoot
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const ulong AttributeMountRoot = 0x2000;
    private const int AttributesOffset = 8;       // struct statx: stx_mask(4) stx_blksize(4) stx_attributes(8)
    private const int AttributesMaskOffset = 56;  // ... stx_attributes_mask(8) after ino, size and blocks
    private const int BufferSize = 256;           // sizeof(struct statx)
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;

    /// <summary>True or false when the kernel can tell; null when it cannot (old kernel, or a filesystem error).</summary>
    public static bool? Of(string path)
    {
        var buffer = stackalloc byte[BufferSize];
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        int result;
        fixed (byte* p = bytes)
        {
            result = NativeMethods.statx(AtFdCwd, p, AtSymlinkNoFollow, StatxType, buffer);
        }
        if (result != 0)
        {
            // A path that does not exist is no mount point, whatever the table says.
            return Marshal.GetLastPInvokeError() is NoSuchFile or NotADirectory ? false : null;
        }
        var supported = *(ulong*)(buffer + AttributesMaskOffset);
        if ((supported & AttributeMountRoot) == 0)
        {
            return null;
        }
        return (*(ulong*)(buffer + AttributesOffset) & AttributeMountRoot) != 0;
    }
}
