using System.Runtime.InteropServices;

namespace Modular.Sdk.Syscalls;

/// <summary>libc entry points Tmds.LibC 0.5.0 does not bind. Each sets the last P/Invoke error from errno.</summary>
internal static unsafe class NativeMethods
{
    private const string LibC = "libc.so.6";

    [DllImport(LibC, SetLastError = true)]
    public static extern int lsetxattr(byte* path, byte* name, byte* value, nuint size, int flags);

    [DllImport(LibC, SetLastError = true)]
    public static extern nint lgetxattr(byte* path, byte* name, byte* value, nuint size);

    [DllImport(LibC, SetLastError = true)]
    public static extern nint llistxattr(byte* path, byte* list, nuint size);

    [DllImport(LibC, SetLastError = true)]
    public static extern int statfs(byte* path, byte* buffer);

    [DllImport(LibC, SetLastError = true)]
    public static extern nint opendir(byte* path);

    [DllImport(LibC, SetLastError = true)]
    public static extern byte* readdir64(nint dir);

    [DllImport(LibC, SetLastError = true)]
    public static extern int closedir(nint dir);

    [DllImport(LibC, SetLastError = true)]
    public static extern int statx(int directory, byte* path, int flags, uint mask, byte* buffer);
}
