using Modular.Shim.Protocol;

namespace Modular.Shim;

/// <summary>
/// The pipes between the container and the outside. The runtime (and through it the container's init) gets the child
/// ends as its stdin, stdout and stderr; the shim keeps the other ends open for the container's whole life, so the
/// container never sees a closed pipe when the daemon goes away, and hands copies of them to each daemon that attaches.
/// </summary>
internal sealed unsafe class ContainerStdio
{
    // Room for a few seconds of chatty output while no daemon reads; pages are only used when written.
    private const int PipeCapacity = 1 << 20;

    private int _stdinWriter = -1;

    private ContainerStdio(int childStdin, int childStdout, int childStderr, int stdinWriter, int stdoutReader, int stderrReader)
    {
        ChildStdin = childStdin;
        ChildStdout = childStdout;
        ChildStderr = childStderr;
        _stdinWriter = stdinWriter;
        StdoutReader = stdoutReader;
        StderrReader = stderrReader;
    }

    public int ChildStdin { get; private set; }
    public int ChildStdout { get; private set; }
    public int ChildStderr { get; private set; }
    public int StdoutReader { get; private set; }
    public int StderrReader { get; private set; }

    /// <summary>Pipes for stdout and stderr, and for stdin when the container keeps it open; /dev/null otherwise.</summary>
    public static ContainerStdio Create(bool openStdin)
    {
        var (stdoutReader, stdoutWriter) = Pipe();
        var (stderrReader, stderrWriter) = Pipe();
        ShimNative.fcntl(stdoutReader, ShimNative.F_SETPIPE_SZ, PipeCapacity);
        ShimNative.fcntl(stderrReader, ShimNative.F_SETPIPE_SZ, PipeCapacity);
        int childStdin, stdinWriter = -1;
        if (openStdin)
        {
            (childStdin, stdinWriter) = Pipe();
        }
        else
        {
            childStdin = ShimNative.open("/dev/null", ShimNative.O_RDWR | ShimNative.O_CLOEXEC, 0);
        }
        return new ContainerStdio(childStdin, stdoutWriter, stderrWriter, stdinWriter, stdoutReader, stderrReader);
    }

    /// <summary>Drops the runtime's ends once it has handed them to the container, so end of output reaches readers.</summary>
    public void CloseChildEnds()
    {
        Native.close(ChildStdin);
        Native.close(ChildStdout);
        Native.close(ChildStderr);
        ChildStdin = ChildStdout = ChildStderr = -1;
    }

    /// <summary>Ends the container's stdin for good (the daemon's client closed it).</summary>
    public void CloseStdin()
    {
        var fd = _stdinWriter;
        _stdinWriter = -1;
        if (fd >= 0)
        {
            Native.close(fd);
        }
    }

    /// <summary>Closes the output pipes too: for a TTY container they only carried the runtime's own messages.</summary>
    public void CloseOutput()
    {
        Native.close(StdoutReader);
        Native.close(StderrReader);
        StdoutReader = StderrReader = -1;
        CloseStdin();
    }

    /// <summary>What an attaching daemon gets: the layout word and the descriptors in protocol order.</summary>
    public (string Layout, int[] Descriptors) ForAttach() => _stdinWriter >= 0
        ? (ShimMessage.PipesLayout, [StdoutReader, StderrReader, _stdinWriter])
        : (ShimMessage.PipesWithoutStdinLayout, [StdoutReader, StderrReader]);

    /// <summary>Whatever the runtime wrote to stderr before failing, without blocking.</summary>
    public string DrainErrors()
    {
        ShimNative.fcntl(StderrReader, ShimNative.F_SETFL, ShimNative.fcntl(StderrReader, ShimNative.F_GETFL, 0) | ShimNative.O_NONBLOCK);
        var buffer = new byte[16384];
        var total = 0;
        fixed (byte* bytes = buffer)
        {
            while (total < buffer.Length)
            {
                var read = ShimNative.read(StderrReader, bytes + total, (nuint)(buffer.Length - total));
                if (read <= 0)
                {
                    break;
                }
                total += (int)read;
            }
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, total).Trim();
    }

    private static (int Reader, int Writer) Pipe()
    {
        var fds = stackalloc int[2];
        if (ShimNative.pipe2(fds, ShimNative.O_CLOEXEC) != 0)
        {
            throw new IOException($"pipe2 failed: errno {Native.Errno}");
        }
        return (fds[0], fds[1]);
    }
}
