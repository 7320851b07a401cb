using System.Runtime.InteropServices;

namespace Modular.Kernel.Streams;

/// <summary>The epoll calls of <see cref="ReadinessLoop"/>.</summary>
internal static unsafe partial class Epoll
{
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLET = 1u << 31;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    private const int EPOLL_CLOEXEC = 0x80000;
    public const int EINTR = 4;

    // struct epoll_event is packed on x86-64 (events at 0, data at 4: 12 bytes); elsewhere data is 8-aligned (16 bytes).
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static int Create()
    {
        var fd = epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return fd;
    }

    /// <summary>Adds, re-arms or removes <paramref name="descriptor"/>; the errno on failure, 0 on success.</summary>
    public static int Control(int epoll, int operation, int descriptor, uint events, long token)
    {
        var slot = stackalloc byte[16];
        *(uint*)slot = events;
        *(long*)(slot + DataOffset) = token;
        return epoll_ctl(epoll, operation, descriptor, slot) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// Waits for one ready descriptor: its token and events, or null after <paramref name="timeoutMilliseconds"/> or a
    /// signal.
    /// </summary>
    public static (long Token, uint Events)? WaitOne(int epoll, int timeoutMilliseconds)
    {
        var slot = stackalloc byte[16];
        var ready = epoll_wait(epoll, slot, 1, timeoutMilliseconds);
        if (ready < 0 && Marshal.GetLastPInvokeError() != EINTR)
        {
            throw new IOException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return ready > 0 ? (*(long*)(slot + DataOffset), *(uint*)slot) : null;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epoll, int operation, int descriptor, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epoll, byte* events, int maxEvents, int timeoutMilliseconds);
}
