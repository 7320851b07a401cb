using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Modular.Kernel.Host;

/// <summary>
/// The few process-level syscalls the kernel itself needs, in one place. Tmds.LibC covers kill and errno;
/// prctl and waitpid are missing from its 0.5.0 surface, so those two are imported directly.
/// </summary>
public static partial class ProcessSyscalls
{
    private const int PrSetChildSubreaper = 36;

    /// <summary>
    /// Makes this process adopt orphaned descendants. A container's init is started by `runc create`, which then exits:
    /// as a subreaper the daemon becomes the init's parent and can collect its exit status.
    /// </summary>
    public static void BecomeChildSubreaper()
    {
        if (prctl(PrSetChildSubreaper, 1, 0, 0, 0) != 0)
        {
            throw new InvalidOperationException($"prctl(PR_SET_CHILD_SUBREAPER) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Blocks until child <paramref name="pid"/> exits and returns its status the way a shell reports it.</summary>
    public static unsafe int WaitForExit(int pid)
    {
        int status;
        while (true)
        {
            var result = waitpid(pid, &status, 0);
            if (result == pid)
            {
                break;
            }
            if (result == -1 && Marshal.GetLastPInvokeError() == LibC.EINTR)
            {
                continue;
            }
            // ECHILD: not our child (e.g. it was adopted elsewhere); the caller treats it as gone.
            return -1;
        }
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    /// <summary>Sends <paramref name="signal"/>; returns false when the process no longer exists.</summary>
    public static bool Signal(int pid, int signal)
    {
        if (pid <= 0)
        {
            return false;
        }
        return LibC.kill(pid, signal) == 0;
    }

    public static bool IsAlive(int pid) => pid > 0 && LibC.kill(pid, 0) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int waitpid(int pid, int* status, int options);
}
