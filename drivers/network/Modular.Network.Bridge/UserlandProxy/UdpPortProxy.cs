using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Modular.Network.Bridge.UserlandProxy;

/// <summary>
/// Forwards the datagrams arriving on a published UDP port to the container: each client address gets a flow of its
/// own (a socket connected to the container, so replies find their way back to that client from the published port),
/// and a flow idle in both directions for <see cref="IdleTimeout"/> is closed, as dockerd's proxy does after 90 s.
/// </summary>
internal sealed class UdpPortProxy : IDisposable
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(90);

    // The largest UDP payload over IPv4.
    private const int DatagramSize = 65507;

    private readonly Socket _front;
    private readonly bool _ownsFront;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<EndPoint, Flow> _flows = new();
    private readonly Task _receiving;
    private readonly Timer _sweeper;

    /// <param name="front">A socket bound on the published address.</param>
    /// <param name="ownsFront">False when the kernel holds the socket as the port's reservation and closes it itself.</param>
    /// <param name="target">The container's address and port.</param>
    /// <param name="idleTimeout">How long a client's flow lives without traffic.</param>
    public UdpPortProxy(Socket front, bool ownsFront, IPEndPoint target, TimeSpan idleTimeout)
    {
        _front = front;
        _ownsFront = ownsFront;
        _target = target;
        IdleTimeout = idleTimeout;
        var period = idleTimeout / 4 < TimeSpan.FromSeconds(1) ? idleTimeout / 4 : TimeSpan.FromSeconds(1);
        _sweeper = new Timer(_ => CloseIdleFlows(), null, period, period);
        _receiving = ReceiveAsync();
    }

    public TimeSpan IdleTimeout { get; }

    /// <summary>The clients with a live flow.</summary>
    public int FlowCount => _flows.Count;

    public void Dispose()
    {
        _sweeper.Dispose();
        _stop.Cancel();
        if (_ownsFront)
        {
            _front.Dispose();
        }
        try
        {
            _receiving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the cancellation.
        }
        foreach (var flow in _flows.Values)
        {
            flow.Backend.Dispose();
        }
        _flows.Clear();
        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[DatagramSize];
        var anyClient = new IPEndPoint(_front.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult datagram;
            try
            {
                datagram = await _front.ReceiveFromAsync(buffer, SocketFlags.None, anyClient, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier reply (ECONNREFUSED and the like) is not the end of the port.
                continue;
            }
            var flow = _flows.GetOrAdd(datagram.RemoteEndPoint, OpenFlow);
            flow.Touch();
            try
            {
                await flow.Backend.SendAsync(buffer.AsMemory(0, datagram.ReceivedBytes), SocketFlags.None, _stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The container is not listening (yet), or the flow was just swept: this datagram is lost, as it would be on a wire.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Flow OpenFlow(EndPoint client)
    {
        var backend = new Socket(_target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        backend.Connect(_target);
        var flow = new Flow(backend);
        _ = ReplyAsync(client, flow);
        return flow;
    }

    private async Task ReplyAsync(EndPoint client, Flow flow)
    {
        var buffer = new byte[DatagramSize];
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await flow.Backend.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // Nothing listens in the container yet; later datagrams may find a server.
                continue;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            flow.Touch();
            try
            {
                await _front.SendToAsync(buffer.AsMemory(0, received), SocketFlags.None, client, _stop.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
        }
        Close(client, flow);
    }

    private void CloseIdleFlows()
    {
        var now = Environment.TickCount64;
        foreach (var (client, flow) in _flows)
        {
            if (now - flow.LastActive > (long)IdleTimeout.TotalMilliseconds)
            {
                Close(client, flow);
            }
        }
    }

    private void Close(EndPoint client, Flow flow)
    {
        if (_flows.TryRemove(new KeyValuePair<EndPoint, Flow>(client, flow)))
        {
            flow.Backend.Dispose();
        }
    }

    private sealed class Flow(Socket backend)
    {
        private long _lastActive = Environment.TickCount64;

        public Socket Backend { get; } = backend;

        public long LastActive => Interlocked.Read(ref _lastActive);

        public void Touch() => Interlocked.Exchange(ref _lastActive, Environment.TickCount64);
    }
}
