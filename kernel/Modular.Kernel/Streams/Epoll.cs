using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Modular.Kernel.Streams;

/// <summary>The epoll calls of <see cref="ReadinessLoop"/>, over Tmds.LibC's declarations.</summary>
internal static unsafe class Epoll
{
    public static uint EPOLLIN => (uint)LibC.EPOLLIN;
    public static uint EPOLLERR => (uint)LibC.EPOLLERR;
    public static uint EPOLLHUP => (uint)LibC.EPOLLHUP;
    public static uint EPOLLET => unchecked((uint)LibC.EPOLLET);
    public static int EPOLL_CTL_ADD => LibC.EPOLL_CTL_ADD;
    public static int EPOLL_CTL_DEL => LibC.EPOLL_CTL_DEL;
    public static int EPOLL_CTL_MOD => LibC.EPOLL_CTL_MOD;

    public static int Create()
    {
        var fd = epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {errno}");
        }
        return fd;
    }

    /// <summary>Adds, re-arms or removes <paramref name="descriptor"/>; the errno on failure, 0 on success.</summary>
    public static int Control(int epoll, int operation, int descriptor, uint events, long token)
    {
        var ev = new epoll_event { events = unchecked((int)events) };
        ev.data.u64 = (ulong)token;
        return epoll_ctl(epoll, operation, descriptor, &ev) == 0 ? 0 : errno;
    }

    /// <summary>
    /// Waits for one ready descriptor: its token and events, or null after <paramref name="timeoutMilliseconds"/> or a
    /// signal.
    /// </summary>
    public static (long Token, uint Events)? WaitOne(int epoll, int timeoutMilliseconds)
    {
        epoll_event ev;
        var ready = epoll_wait(epoll, &ev, 1, timeoutMilliseconds);
        if (ready < 0 && errno != EINTR)
        {
            throw new IOException($"epoll_wait failed: errno {errno}");
        }
        return ready > 0 ? ((long)ev.data.u64, unchecked((uint)ev.events)) : null;
    }
}
