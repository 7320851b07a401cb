using Modular.Shim.Protocol;

namespace Modular.Shim;

/// <summary>
/// The shim's life after a successful create: serve one daemon at a time (a newer connection replaces an older one,
/// as a restarted daemon's would), hand it the stdio, report the exit, and end once the daemon has recorded it.
/// </summary>
internal sealed unsafe class ShimServer(ShimListener listener, ContainerStdio? pipes, int terminalMaster, int initPid, ExitWatcher exits)
{
    private ShimChannel? _daemon;

    public void Run()
    {
        var descriptors = stackalloc Native.PollDescriptor[3];
        while (true)
        {
            var count = 0;
            descriptors[count++] = new Native.PollDescriptor { Descriptor = listener.Descriptor, Events = Native.POLLIN };
            descriptors[count++] = new Native.PollDescriptor { Descriptor = exits.WakeDescriptor, Events = Native.POLLIN };
            if (_daemon is not null)
            {
                descriptors[count++] = new Native.PollDescriptor { Descriptor = _daemon.Descriptor, Events = Native.POLLIN };
            }
            if (Native.poll(descriptors, (nuint)count, -1) < 0)
            {
                if (Native.Errno == Native.EINTR)
                {
                    continue;
                }
                throw new IOException($"poll failed: errno {Native.Errno}");
            }
            if (descriptors[0].ReturnedEvents != 0)
            {
                Accept();
            }
            if (descriptors[1].ReturnedEvents != 0)
            {
                DrainWake();
                TrySend($"{ShimMessage.Exit} {exits.Status}");
            }
            if (count == 3 && descriptors[2].ReturnedEvents != 0 && HandleDaemonLine())
            {
                return;
            }
        }
    }

    private void Accept()
    {
        var channel = listener.Accept();
        if (channel.PeerUid() != (uint)ShimNative.geteuid())
        {
            channel.Dispose();
            return;
        }
        _daemon?.Dispose();
        _daemon = channel;
        var (layout, stdio) = terminalMaster >= 0 ? (ShimMessage.TerminalLayout, new[] { terminalMaster }) : pipes!.ForAttach();
        TrySend($"{ShimMessage.Attach} {initPid} {layout}", stdio);
        if (exits.Status >= 0)
        {
            TrySend($"{ShimMessage.Exit} {exits.Status}");
        }
    }

    /// <summary>Handles one line from the daemon; true when the shim's work is done.</summary>
    private bool HandleDaemonLine()
    {
        var line = _daemon!.ReadLine(out var stray);
        foreach (var fd in stray)
        {
            Native.close(fd);
        }
        switch (line is null ? null : ShimMessage.Parse(line).Verb)
        {
            case null:
                _daemon.Dispose();
                _daemon = null;
                return false;
            case ShimMessage.CloseStdin:
                pipes?.CloseStdin();
                return false;
            case ShimMessage.Release:
                return exits.Status >= 0;
            default:
                return false;
        }
    }

    private void TrySend(string line, int[]? descriptors = null)
    {
        try
        {
            _daemon?.Send(line, descriptors);
        }
        catch (IOException)
        {
            // The daemon went away mid-message; the next one to connect is told everything again.
            _daemon?.Dispose();
            _daemon = null;
        }
    }

    private void DrainWake()
    {
        var buffer = stackalloc byte[16];
        ShimNative.read(exits.WakeDescriptor, buffer, 16);
    }
}
