using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Modular.Kernel.Api.Transport;

/// <summary>
/// Kestrel's transport for the API's unix sockets, replacing the built-in socket transport for one reason: Docker's
/// hijacked streams (attach, exec) rely on TCP half-close. The docker CLI shuts down its sending side as soon as it
/// has no more stdin, and expects output to keep flowing. The built-in transport treats that FIN as the connection
/// closing and aborts the response; this one only completes the request's input and keeps the output open until the
/// application completes it or a send fails.
/// </summary>
public sealed class UnixSocketTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is UnixDomainSocketEndPoint or FileHandleEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is FileHandleEndPoint inherited)
        {
            // A socket systemd created, bound and set listening; it is only adopted.
            var adopted = new Socket(new SafeSocketHandle((IntPtr)inherited.FileHandle, ownsHandle: true));
            return ValueTask.FromResult<IConnectionListener>(new UnixSocketListener(adopted, endpoint));
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return ValueTask.FromResult<IConnectionListener>(new UnixSocketListener(socket, endpoint));
    }
}

internal sealed class UnixSocketListener(Socket socket, EndPoint endpoint) : IConnectionListener
{
    public EndPoint EndPoint => endpoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var client = await socket.AcceptAsync(cancellationToken);
            var connection = new UnixSocketConnection(client, endpoint);
            connection.Start();
            return connection;
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException
            || e is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
        {
            return null;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
