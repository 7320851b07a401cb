using System.Runtime.InteropServices;

namespace Modular.E2E.Tests.Harness;

/// <summary>The two syscalls the harness needs that .NET does not expose: signals other than SIGKILL, and lazy unmount.</summary>
internal static partial class Libc
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    private const int MntDetach = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Umount2(string target, int flags);

    /// <summary>Sends a signal; false when the process is already gone.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Detaches a mount; returns the errno on failure (0 on success) so callers can report what stuck.</summary>
    public static int DetachMount(string target) => Umount2(target, MntDetach) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
