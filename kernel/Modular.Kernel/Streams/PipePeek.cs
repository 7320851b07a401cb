using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace Modular.Kernel.Streams;

/// <summary>
/// Reads a pipe in two steps: <see cref="Peek"/> copies what waits in it without taking it out (tee(2) into a private
/// pipe), <see cref="Consume"/> takes it out once it is logged. A container's pipe outlives the daemon (its shim holds
/// it), so a daemon killed between the two steps leaves those bytes for the next daemon: output is logged at least
/// once, never lost.
/// </summary>
internal sealed unsafe partial class PipePeek : IDisposable
{
    private const int O_CLOEXEC = 0x80000;
    private const int EINTR = 4;
    private const int F_SETPIPE_SZ = 1031;

    private readonly PipeStream _pipe;
    private readonly int _scratchReader;
    private readonly int _scratchWriter;
    private readonly byte[] _discard;

    public PipePeek(PipeStream pipe, int capacity)
    {
        _pipe = pipe;
        var fds = stackalloc int[2];
        if (pipe2(fds, O_CLOEXEC) != 0)
        {
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _scratchReader = fds[0];
        _scratchWriter = fds[1];
        fcntl(_scratchWriter, F_SETPIPE_SZ, capacity);
        _discard = new byte[capacity];
    }

    private int Source => (int)_pipe.SafePipeHandle.DangerousGetHandle();

    /// <summary>Blocks until the pipe holds data; copies up to the buffer's length of it into <paramref name="buffer"/>. 0 at end of stream.</summary>
    public int Peek(byte[] buffer)
    {
        nint copied;
        do
        {
            copied = tee(Source, _scratchWriter, (nuint)buffer.Length, 0);
        }
        while (copied < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (copied <= 0)
        {
            return 0;
        }
        fixed (byte* bytes = buffer)
        {
            ReadExactly(_scratchReader, bytes, (int)copied);
        }
        return (int)copied;
    }

    /// <summary>Takes out the first <paramref name="count"/> bytes, which <see cref="Peek"/> showed.</summary>
    public void Consume(int count)
    {
        fixed (byte* bytes = _discard)
        {
            ReadExactly(Source, bytes, count);
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

    public void Dispose()
    {
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
