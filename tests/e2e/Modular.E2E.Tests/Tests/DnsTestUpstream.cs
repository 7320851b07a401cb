using System.Net;
using System.Net.Sockets;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// A one-name nameserver on a host address (UDP port 53), standing in for an outside resolver: it answers
/// <see cref="Name"/> with <see cref="Answer"/> and every other name with NXDOMAIN. Written from RFC 1035 directly
/// so it shares no code with the engine's resolver.
/// </summary>
internal sealed class DnsTestUpstream : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public DnsTestUpstream(IPAddress listen, string name, IPAddress answer)
    {
        Name = name;
        Answer = answer;
        _socket.Bind(new IPEndPoint(listen, 53));
        _loop = Task.Run(ServeAsync);
    }

    public string Name { get; }

    public IPAddress Answer { get; }

    private async Task ServeAsync()
    {
        var buffer = new byte[1500];
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                var reply = Reply(buffer.AsSpan(0, received.ReceivedBytes));
                if (reply is not null)
                {
                    await _socket.SendToAsync(reply, received.RemoteEndPoint, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private byte[]? Reply(ReadOnlySpan<byte> query)
    {
        if (query.Length < 17)
        {
            return null;
        }
        var labels = new List<string>();
        var offset = 12;
        while (offset < query.Length && query[offset] != 0)
        {
            var length = query[offset];
            labels.Add(System.Text.Encoding.ASCII.GetString(query.Slice(offset + 1, length)));
            offset += length + 1;
        }
        var questionEnd = offset + 5;
        var type = (query[offset + 1] << 8) | query[offset + 2];
        var known = string.Join('.', labels).Equals(Name, StringComparison.OrdinalIgnoreCase);
        var answer = known && type == 1;
        var reply = new List<byte>(query[..questionEnd].ToArray());
        reply[2] = (byte)(0x80 | (query[2] & 0x01));
        reply[3] = (byte)(0x80 | (known ? 0 : 3));
        reply[6] = 0;
        reply[7] = (byte)(answer ? 1 : 0);
        reply[8] = reply[9] = reply[10] = reply[11] = 0;
        if (answer)
        {
            reply.AddRange([0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4]);
            reply.AddRange(Answer.GetAddressBytes());
        }
        return reply.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
