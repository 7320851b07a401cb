namespace Modular.Shim.Protocol;

/// <summary>The shim's side: the listening abstract socket the daemon (re)connects to.</summary>
public sealed unsafe class ShimListener : IDisposable
{
    private int _fd;

    private ShimListener(int fd) => _fd = fd;

    /// <summary>Listens under the abstract <paramref name="name"/>; fails when another shim already does (the name is taken).</summary>
    public static ShimListener Listen(string name) => Listen(ShimAddress.SocketAddress(name), "@" + name);

    /// <summary>
    /// Listens on a socket file, as an OCI runtime's <c>--console-socket</c> needs: the runtime connects once and sends
    /// the terminal master as a descriptor, which <see cref="ShimChannel.ReadLine"/> hands over at end of stream.
    /// </summary>
    public static ShimListener ListenAtPath(string path) => Listen(ShimAddress.PathAddress(path), path);

    private static ShimListener Listen(byte[] address, string shownName)
    {
        var fd = Native.socket(Native.AF_UNIX, Native.SOCK_STREAM | Native.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new IOException($"socket failed: errno {Native.Errno}");
        }
        fixed (byte* bytes = address)
        {
            if (Native.bind(fd, bytes, (uint)address.Length) != 0 || Native.listen(fd, 4) != 0)
            {
                var errno = Native.Errno;
                Native.close(fd);
                throw new IOException($"listening on {shownName} failed: errno {errno}");
            }
        }
        return new ShimListener(fd);
    }

    /// <summary>The socket's descriptor, for poll.</summary>
    public int Descriptor => _fd;

    /// <summary>Waits up to <paramref name="timeout"/> for a connection; false when none came.</summary>
    public bool WaitForConnection(TimeSpan timeout)
    {
        var poll = new Native.PollDescriptor { Descriptor = _fd, Events = Native.POLLIN };
        int ready;
        do
        {
            ready = Native.poll(&poll, 1, (int)timeout.TotalMilliseconds);
        }
        while (ready < 0 && Native.Errno == Native.EINTR);
        return ready > 0;
    }

    /// <summary>Accepts the next connection (blocking).</summary>
    public ShimChannel Accept()
    {
        while (true)
        {
            var fd = Native.accept4(_fd, null, null, Native.SOCK_CLOEXEC);
            if (fd >= 0)
            {
                return new ShimChannel(fd);
            }
            if (Native.Errno != Native.EINTR)
            {
                throw new IOException($"accept failed: errno {Native.Errno}");
            }
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Native.close(fd);
        }
    }
}
