using System.Net.Sockets;

namespace Modular.Api.Client;

/// <summary>Where the daemon listens: <c>unix:///run/modular.sock</c> or <c>tcp://host:port</c>.</summary>
public sealed class EngineEndpoint
{
    public const string DefaultHost = "unix:///run/modular.sock";

    private EngineEndpoint(string original, string? socketPath, string? tcpHost, int tcpPort)
    {
        Original = original;
        SocketPath = socketPath;
        TcpHost = tcpHost;
        TcpPort = tcpPort;
    }

    public string Original { get; }
    /// <summary>Set for unix endpoints.</summary>
    public string? SocketPath { get; }
    public string? TcpHost { get; }
    public int TcpPort { get; }
    public bool IsUnix => SocketPath is not null;

    /// <summary>What HttpClient addresses requests to; the unix host name is never resolved.</summary>
    public Uri BaseAddress => IsUnix ? new Uri("http://docker/") : new Uri($"http://{TcpHost}:{TcpPort}/");

    public static EngineEndpoint Parse(string host)
    {
        if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = host["unix://".Length..];
            if (path.Length == 0)
                throw new FormatException($"invalid host '{host}': missing socket path");
            return new EngineEndpoint(host, path, null, 0);
        }
        if (host.StartsWith("tcp://", StringComparison.Ordinal) || host.StartsWith("http://", StringComparison.Ordinal))
        {
            var uri = new Uri(host.StartsWith("tcp://", StringComparison.Ordinal) ? "http://" + host["tcp://".Length..] : host);
            return new EngineEndpoint(host, null, uri.Host, uri.IsDefaultPort ? 2375 : uri.Port);
        }
        if (host.StartsWith('/'))
            return new EngineEndpoint(host, host, null, 0);
        throw new FormatException($"invalid host '{host}': expected unix:///path or tcp://host:port");
    }

    /// <summary>Opens a new raw connection to the daemon.</summary>
    public async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        if (IsUnix)
        {
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await unix.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath!), cancellationToken).ConfigureAwait(false);
                return unix;
            }
            catch
            {
                unix.Dispose();
                throw;
            }
        }

        var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(TcpHost!, TcpPort, cancellationToken).ConfigureAwait(false);
            return tcp;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public override string ToString() => Original;
}
