using System.Text;

namespace Modular.Shim.Protocol;

/// <summary>
/// One connection between the daemon and a shim: text lines both ways (see <see cref="ShimMessage"/>), and file
/// descriptors riding on a line as SCM_RIGHTS. Blocking, except <see cref="TryReadLine"/> for a reader woken by poll or
/// epoll; each side reads it from one thread at a time.
/// </summary>
public sealed unsafe class ShimChannel : IDisposable
{
    private const int MaxDescriptors = 8;
    private readonly List<byte> _pending = [];
    private readonly List<int> _pendingDescriptors = [];
    private int _fd;

    internal ShimChannel(int fd) => _fd = fd;

    /// <summary>Connects to the shim listening under <paramref name="name"/>; null when no shim listens there.</summary>
    public static ShimChannel? TryConnect(string name)
    {
        var fd = Native.socket(Native.AF_UNIX, Native.SOCK_STREAM | Native.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new IOException($"socket failed: errno {Native.Errno}");
        }
        var address = ShimAddress.SocketAddress(name);
        fixed (byte* bytes = address)
        {
            if (Native.connect(fd, bytes, (uint)address.Length) != 0)
            {
                Native.close(fd);
                return null;
            }
        }
        return new ShimChannel(fd);
    }

    /// <summary>Sends one line (a newline is added), with <paramref name="descriptors"/> attached when there are any.</summary>
    public void Send(string line, ReadOnlySpan<int> descriptors = default)
    {
        var data = Encoding.UTF8.GetBytes(line + "\n");
        var control = stackalloc byte[ControlSpace(MaxDescriptors)];
        fixed (byte* bytes = data)
        {
            var sent = 0;
            while (sent < data.Length)
            {
                var vector = new Native.IoVector { Base = bytes + sent, Length = (nuint)(data.Length - sent) };
                var message = new Native.MessageHeader { Vectors = &vector, VectorCount = 1 };
                if (sent == 0 && descriptors.Length > 0)
                {
                    var header = (Native.ControlHeader*)control;
                    header->Level = Native.SOL_SOCKET;
                    header->Type = Native.SCM_RIGHTS;
                    header->Length = (nuint)(sizeof(Native.ControlHeader) + descriptors.Length * sizeof(int));
                    var slots = (int*)(control + sizeof(Native.ControlHeader));
                    for (var i = 0; i < descriptors.Length; i++)
                    {
                        slots[i] = descriptors[i];
                    }
                    message.Control = control;
                    message.ControlLength = (nuint)ControlSpace(descriptors.Length);
                }
                var result = Native.sendmsg(_fd, &message, Native.MSG_NOSIGNAL);
                if (result < 0)
                {
                    if (Native.Errno == Native.EINTR)
                    {
                        continue;
                    }
                    throw new IOException($"sending to the shim channel failed: errno {Native.Errno}");
                }
                sent += (int)result;
            }
        }
    }

    /// <summary>
    /// The next line (without its newline) and the descriptors that arrived with it; null when the other side closed.
    /// The caller owns the descriptors.
    /// </summary>
    public string? ReadLine(out int[] descriptors)
    {
        while (true)
        {
            if (TakeLine(out var line, out descriptors))
            {
                return line;
            }
            if (Receive(0) <= 0)
            {
                descriptors = TakeDescriptors();
                return null;
            }
        }
    }

    /// <summary>
    /// As <see cref="ReadLine"/> without waiting: false when no whole line has arrived yet; true with the line, or with
    /// null when the other side closed.
    /// </summary>
    public bool TryReadLine(out string? line, out int[] descriptors)
    {
        while (true)
        {
            if (TakeLine(out line, out descriptors))
            {
                return true;
            }
            var received = Receive(Native.MSG_DONTWAIT);
            if (received == 0)
            {
                line = null;
                descriptors = TakeDescriptors();
                return true;
            }
            if (received < 0)
            {
                line = null;
                descriptors = [];
                return false;
            }
        }
    }

    private bool TakeLine(out string? line, out int[] descriptors)
    {
        var newline = _pending.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = null;
            descriptors = [];
            return false;
        }
        line = Encoding.UTF8.GetString(_pending.GetRange(0, newline).ToArray());
        _pending.RemoveRange(0, newline + 1);
        descriptors = TakeDescriptors();
        return true;
    }

    private int[] TakeDescriptors()
    {
        int[] taken = [.. _pendingDescriptors];
        _pendingDescriptors.Clear();
        return taken;
    }

    // 1 when bytes arrived, 0 at end of stream (or a broken connection), -1 when MSG_DONTWAIT found nothing to read.
    private int Receive(int flags)
    {
        var buffer = stackalloc byte[512];
        var control = stackalloc byte[ControlSpace(MaxDescriptors)];
        var vector = new Native.IoVector { Base = buffer, Length = 512 };
        var message = new Native.MessageHeader { Vectors = &vector, VectorCount = 1, Control = control, ControlLength = (nuint)ControlSpace(MaxDescriptors) };
        nint received;
        do
        {
            received = Native.recvmsg(_fd, &message, Native.MSG_CMSG_CLOEXEC | flags);
        }
        while (received < 0 && Native.Errno == Native.EINTR);
        if (received < 0 && Native.Errno == Native.EAGAIN)
        {
            return -1;
        }
        if (received <= 0)
        {
            return 0;
        }
        CollectDescriptors(&message);
        for (var i = 0; i < received; i++)
        {
            _pending.Add(buffer[i]);
        }
        return 1;
    }

    private void CollectDescriptors(Native.MessageHeader* message)
    {
        var offset = 0;
        var control = (byte*)message->Control;
        while (offset + sizeof(Native.ControlHeader) <= (int)message->ControlLength)
        {
            var header = (Native.ControlHeader*)(control + offset);
            if (header->Length < (nuint)sizeof(Native.ControlHeader))
            {
                break;
            }
            if (header->Level == Native.SOL_SOCKET && header->Type == Native.SCM_RIGHTS)
            {
                var count = ((int)header->Length - sizeof(Native.ControlHeader)) / sizeof(int);
                var slots = (int*)((byte*)header + sizeof(Native.ControlHeader));
                for (var i = 0; i < count; i++)
                {
                    _pendingDescriptors.Add(slots[i]);
                }
            }
            offset += Align((int)header->Length);
        }
    }

    /// <summary>The uid of the process at the other end.</summary>
    public uint PeerUid()
    {
        Native.PeerCredentials credentials;
        var length = (uint)sizeof(Native.PeerCredentials);
        if (Native.getsockopt(_fd, Native.SOL_SOCKET, Native.SO_PEERCRED, &credentials, &length) != 0)
        {
            throw new IOException($"SO_PEERCRED failed: errno {Native.Errno}");
        }
        return credentials.Uid;
    }

    /// <summary>The socket's descriptor, for poll.</summary>
    public int Descriptor => _fd;

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Native.close(fd);
        }
    }

    private static int Align(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);

    private static int ControlSpace(int descriptors) => Align(sizeof(Native.ControlHeader)) + Align(descriptors * sizeof(int));
}
