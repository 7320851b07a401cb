using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace Modular.Kernel.Runtime;

/// <summary>
/// The unix socket an OCI runtime hands a TTY container's pseudo-terminal master to (`--console-socket`): the runtime
/// connects once and sends the master's file descriptor as SCM_RIGHTS ancillary data.
/// </summary>
public sealed class ConsoleSocket : IDisposable
{
    private readonly Socket _listener;

    public ConsoleSocket(string path)
    {
        Path = path;
        File.Delete(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(1);
    }

    public string Path { get; }

    /// <summary>Waits for the runtime's connection and returns the terminal master it sends.</summary>
    public async Task<Terminal> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var connection = await _listener.AcceptAsync(cancellationToken);
        return await Task.Run(() => new Terminal(ReceiveDescriptor(connection)), cancellationToken);
    }

    private static unsafe SafeFileHandle ReceiveDescriptor(Socket connection)
    {
        var data = stackalloc byte[4096];
        var control = stackalloc byte[256];
        var vector = new iovec { iov_base = data, iov_len = 4096 };
        var message = new msghdr { msg_iov = &vector, msg_iovlen = 1, msg_control = control, msg_controllen = 256 };
        var received = LibC.recvmsg((int)connection.Handle, &message, 0);
        if (received < 0)
        {
            throw new IOException($"receiving the console from the OCI runtime failed: errno {LibC.errno}");
        }
        for (var header = LibC.CMSG_FIRSTHDR(&message); header != null; header = LibC.CMSG_NXTHDR(&message, header))
        {
            if (header->cmsg_level == LibC.SOL_SOCKET && header->cmsg_type == LibC.SCM_RIGHTS)
            {
                return new SafeFileHandle(*(int*)LibC.CMSG_DATA(header), ownsHandle: true);
            }
        }
        throw new IOException("the OCI runtime sent no terminal over the console socket");
    }

    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(Path);
    }
}

/// <summary>A container's pseudo-terminal master: its output and input in one stream, and its window size.</summary>
public sealed class Terminal : IDisposable
{
    private readonly SafeFileHandle _master;

    public Terminal(SafeFileHandle master)
    {
        _master = master;
        // Unbuffered and synchronous: a terminal is a character device; reads end with EIO once the last slave closes.
        Stream = new FileStream(master, FileAccess.ReadWrite, bufferSize: 0, isAsync: false);
    }

    public Stream Stream { get; }

    public unsafe void Resize(ushort height, ushort width)
    {
        if (height == 0 || width == 0)
        {
            return;
        }
        var size = new winsize { ws_row = height, ws_col = width };
        if (LibC.ioctl((int)_master.DangerousGetHandle(), LibC.TIOCSWINSZ, &size) != 0)
        {
            throw new IOException($"resizing the terminal failed: errno {LibC.errno}");
        }
    }

    public void Dispose() => Stream.Dispose();
}
