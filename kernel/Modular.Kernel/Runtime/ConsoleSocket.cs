using Microsoft.Win32.SafeHandles;
using Modular.Shim.Protocol;
using Tmds.Linux;

namespace Modular.Kernel.Runtime;

/// <summary>
/// The unix socket an OCI runtime hands an exec's pseudo-terminal master to (`--console-socket`): the runtime
/// connects once and sends the master's file descriptor as SCM_RIGHTS ancillary data. The same listener the shim uses
/// for a container's own terminal.
/// </summary>
public sealed class ConsoleSocket : IDisposable
{
    private readonly ShimListener _listener;

    public ConsoleSocket(string path)
    {
        Path = path;
        File.Delete(path);
        _listener = ShimListener.ListenAtPath(path);
    }

    public string Path { get; }

    /// <summary>Waits for the runtime's connection and returns the terminal master it sends.</summary>
    public Task<Terminal> ReceiveAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        while (!_listener.WaitForConnection(TimeSpan.FromMilliseconds(200)))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
        using var connection = _listener.Accept();
        connection.ReadLine(out var descriptors);
        var handles = descriptors.Select(fd => new SafeFileHandle(fd, ownsHandle: true)).ToList();
        if (handles.Count == 0)
        {
            throw new IOException("the OCI runtime sent no terminal over the console socket");
        }
        handles.Skip(1).ToList().ForEach(h => h.Dispose());
        return new Terminal(handles[0]);
    }, cancellationToken);

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
