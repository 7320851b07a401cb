using System.Runtime.InteropServices;

namespace Modular.Kernel.Streams;

/// <summary>
/// Reads a pipe in two steps: <see cref="TryPeek"/> copies what waits in it without taking it out (tee(2) into a private
/// pipe), <see cref="Consume"/> takes it out once it is logged. A container's pipe outlives the daemon (its shim holds
/// it), so a daemon killed between the two steps leaves those bytes for the next daemon: output is logged at least
/// once, never lost. Never waits: the caller learns from epoll when there is something to read.
/// </summary>
internal sealed unsafe partial class PipePeek : IDisposable
{
    private const int O_CLOEXEC = 0x80000;
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int F_SETPIPE_SZ = 1031;
    private const int F_DUPFD_CLOEXEC = 1030;
    private const uint SPLICE_F_NONBLOCK = 2;

    private readonly int _source;
    private readonly int _scratchReader;
    private readonly int _scratchWriter;

    /// <param name="source">The pipe's read end, which this duplicates: its owner may close it at any time.</param>
    /// <param name="capacity">The most one peek copies.</param>
    public PipePeek(int source, int capacity)
    {
        _source = fcntl(source, F_DUPFD_CLOEXEC, 0);
        if (_source < 0)
        {
            throw new IOException($"duplicating a pipe failed: errno {Marshal.GetLastPInvokeError()}");
        }
        var fds = stackalloc int[2];
        if (pipe2(fds, O_CLOEXEC) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            close(_source);
            throw new IOException($"pipe2 failed: errno {errno}");
        }
        _scratchReader = fds[0];
        _scratchWriter = fds[1];
        // tee takes one slot of the private pipe per page-sized buffer of the source, however little that buffer
        // holds. Twice the slots a full peek needs: a peek then stops short only when the source is empty, which
        // callers rely on (a short peek means drained).
        fcntl(_scratchWriter, F_SETPIPE_SZ, 2 * capacity);
    }

    /// <summary>
    /// Copies up to the buffer's length of what waits in the pipe into <paramref name="buffer"/>: the byte count, 0 at
    /// end of stream, -1 when the pipe is empty but still has writers.
    /// </summary>
    public int TryPeek(byte[] buffer)
    {
        nint copied;
        do
        {
            copied = tee(_source, _scratchWriter, (nuint)buffer.Length, SPLICE_F_NONBLOCK);
        }
        while (copied < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (copied < 0)
        {
            return Marshal.GetLastPInvokeError() == EAGAIN ? -1 : 0;
        }
        if (copied > 0)
        {
            fixed (byte* bytes = buffer)
            {
                ReadExactly(_scratchReader, bytes, (int)copied);
            }
        }
        return (int)copied;
    }

    /// <summary>
    /// Takes out the first <paramref name="count"/> bytes, which <see cref="TryPeek"/> showed, reading them into
    /// <paramref name="buffer"/> (their copy there is no longer needed).
    /// </summary>
    public void Consume(int count, byte[] buffer)
    {
        fixed (byte* bytes = buffer)
        {
            ReadExactly(_source, bytes, count);
        }
    }

    private static void ReadExactly(int fd, byte* buffer, int count)
    {
        var done = 0;
        while (done < count)
        {
            var read = read_(fd, buffer + done, (nuint)(count - done));
            if (read < 0 && Marshal.GetLastPInvokeError() == EINTR)
            {
                continue;
            }
            if (read <= 0)
            {
                throw new IOException($"reading a pipe failed: errno {Marshal.GetLastPInvokeError()}");
            }
            done += (int)read;
        }
    }

    /// <summary>This reader's own descriptor of the pipe, to wait on (epoll); open until <see cref="Dispose"/>.</summary>
    public int Descriptor => _source;

    public void Dispose()
    {
        close(_source);
        close(_scratchReader);
        close(_scratchWriter);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint tee(int source, int destination, nuint length, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint read_(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
