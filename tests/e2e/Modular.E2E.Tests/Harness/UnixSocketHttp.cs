using System.Net.Sockets;

namespace Modular.E2E.Tests.Harness;

/// <summary>An HttpClient that talks to the Engine API over a unix socket, as the docker CLI does.</summary>
public static class UnixSocketHttp
{
    public static HttpClient Create(string socketPath, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = new Uri("http://localhost/"),
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
    }
}
