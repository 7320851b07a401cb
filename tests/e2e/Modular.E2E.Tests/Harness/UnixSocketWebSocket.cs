using System.Net.WebSockets;

namespace Modular.E2E.Tests.Harness;

/// <summary>A websocket to the Engine API over its unix socket (the upgrade request travels on a unix-socket connection).</summary>
public sealed class UnixSocketWebSocket : IDisposable
{
    private readonly HttpClient _invoker;

    private UnixSocketWebSocket(HttpClient invoker, ClientWebSocket socket)
    {
        _invoker = invoker;
        Socket = socket;
    }

    public ClientWebSocket Socket { get; }

    /// <param name="pathAndQuery">e.g. /v1.51/containers/x/attach/ws?stream=1&amp;stdout=1</param>
    public static async Task<UnixSocketWebSocket> ConnectAsync(string socketPath, string pathAndQuery, CancellationToken cancellationToken)
    {
        var invoker = UnixSocketHttp.Create(socketPath);
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(new Uri("ws://localhost" + pathAndQuery), invoker, cancellationToken);
            return new UnixSocketWebSocket(invoker, socket);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Socket.Dispose();
        _invoker.Dispose();
    }
}
