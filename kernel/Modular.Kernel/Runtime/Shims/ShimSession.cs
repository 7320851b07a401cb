using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using Modular.Kernel.Streams;
using Modular.Shim.Protocol;

namespace Modular.Kernel.Runtime.Shims;

/// <summary>
/// The daemon's connection to one container's modular-shim: the container's init pid, its stdio (copies of the
/// descriptors the shim keeps), and its exit. Made at start or, after a daemon restart, by reattaching.
/// </summary>
public sealed class ShimSession : IDisposable
{
    private readonly ShimChannel _channel;
    private readonly object _sendLock = new();

    private ShimSession(ShimChannel channel, string stateDirectory, int pid)
    {
        _channel = channel;
        StateDirectory = stateDirectory;
        Pid = pid;
    }

    public int Pid { get; }

    public string StateDirectory { get; }

    /// <summary>Output pipes (null for a TTY container, whose output is the terminal).</summary>
    public Stream? Stdout { get; private init; }

    public Stream? Stderr { get; private init; }

    /// <summary>The container's stdin while it is open; closing it closes the shim's copy too, so the container sees end of file.</summary>
    public Stream? Stdin { get; private init; }

    public Terminal? Terminal { get; private init; }

    /// <summary>Connects to the shim of <paramref name="stateDirectory"/> and takes over the stdio it hands out; null when no shim is there.</summary>
    public static ShimSession? TryAttach(string stateDirectory)
    {
        var channel = ShimChannel.TryConnect(ShimAddress.NameFor(stateDirectory));
        if (channel is null)
        {
            return null;
        }
        try
        {
            // An abstract name can be taken by anyone: only a shim running as root is ours.
            if (channel.PeerUid() != 0)
            {
                throw new IOException($"the socket of {stateDirectory} is not held by a root process");
            }
            var line = channel.ReadLine(out var descriptors);
            var (verb, argument) = line is null ? ("", "") : ShimMessage.Parse(line);
            var parts = argument.Split(' ');
            if (verb != ShimMessage.Attach || parts.Length != 2 || !int.TryParse(parts[0], out var pid))
            {
                Close(descriptors);
                throw new IOException($"the shim of {stateDirectory} answered \"{line}\" instead of attach");
            }
            var session = parts[1] switch
            {
                ShimMessage.TerminalLayout when descriptors.Length == 1 => new ShimSession(channel, stateDirectory, pid)
                {
                    Terminal = new Terminal(new SafeFileHandle(descriptors[0], ownsHandle: true)),
                },
                ShimMessage.PipesLayout or ShimMessage.PipesWithoutStdinLayout when descriptors.Length is 2 or 3 => new ShimSession(channel, stateDirectory, pid)
                {
                    Stdout = Reader(descriptors[0]),
                    Stderr = Reader(descriptors[1]),
                    Stdin = descriptors.Length == 3 ? new ShimStdinStream(Writer(descriptors[2]), () => Send(channel, ShimMessage.CloseStdin)) : null,
                },
                _ => null,
            };
            if (session is null)
            {
                Close(descriptors);
                throw new IOException($"the shim of {stateDirectory} sent layout {parts[1]} with {descriptors.Length} descriptors");
            }
            return session;
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>Blocks until the container's init exits and returns its status; -1 when the shim vanished without saying.</summary>
    public int WaitForExit()
    {
        while (true)
        {
            string? line;
            try
            {
                line = _channel.ReadLine(out var stray);
                Close(stray);
            }
            catch (IOException)
            {
                line = null;
            }
            if (EndsTheWait(line, out var status))
            {
                return status ?? RecordedExit(StateDirectory) ?? -1;
            }
        }
    }

    // A line from the shim ends the wait for the exit when it is the exit (its status) or the shim's end (null).
    private static bool EndsTheWait(string? line, out int? status)
    {
        status = null;
        if (line is null)
        {
            return true;
        }
        var (verb, argument) = ShimMessage.Parse(line);
        if (verb == ShimMessage.Exit && int.TryParse(argument, out var code))
        {
            status = code;
            return true;
        }
        return false;
    }

    /// <summary>
    /// As <see cref="WaitForExit"/>, holding no thread while the container runs: the shim's socket is watched on the
    /// shared <see cref="ReadinessLoop"/> with every other one. Not to be mixed with <see cref="WaitForExit"/>.
    /// </summary>
    public Task<int> WaitForExitAsync()
    {
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int? status = null;
        // The status is handed out once the socket is out of the epoll set, so the caller may dispose the session then.
        ReadinessLoop.Shared.Add(_channel.Descriptor,
            _ => TryTakeExit(out status) ? ReadinessLoop.Readiness.Ended : ReadinessLoop.Readiness.Drained,
            () => exited.SetResult(status ?? RecordedExit(StateDirectory) ?? -1));
        return exited.Task;
    }

    // Reads what has arrived: true once the exit is known (its status, or null when the shim went away without it).
    private bool TryTakeExit(out int? status)
    {
        while (true)
        {
            string? line;
            try
            {
                if (!_channel.TryReadLine(out line, out var stray))
                {
                    status = null;
                    return false;
                }
                Close(stray);
            }
            catch (IOException)
            {
                line = null;
            }
            if (EndsTheWait(line, out status))
            {
                return true;
            }
        }
    }

    /// <summary>The status a shim wrote before it ended, if it did.</summary>
    public static int? RecordedExit(string stateDirectory)
    {
        var file = Path.Combine(stateDirectory, ShimMessage.ExitFile);
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var status) ? status : null;
    }

    /// <summary>Tells the shim the exit is recorded: it ends, and its state directory can go.</summary>
    public void Release()
    {
        Send(_channel, ShimMessage.Release);
    }

    private static void Send(ShimChannel channel, string line)
    {
        try
        {
            lock (channel)
            {
                channel.Send(line);
            }
        }
        catch (IOException)
        {
            // The shim is gone already; nothing is waiting for this message.
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
    }

    private static Stream Reader(int fd) => new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));

    private static Stream Writer(int fd) => new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(fd, ownsHandle: true));

    private static void Close(int[] descriptors)
    {
        foreach (var fd in descriptors)
        {
            new SafeFileHandle(fd, ownsHandle: true).Dispose();
        }
    }
}
