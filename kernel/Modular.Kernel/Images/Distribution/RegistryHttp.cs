using System.Net;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// The HTTP clients registry traffic uses: one that verifies TLS and one for insecure registries that does not.
/// Redirects are followed by hand (blob downloads are redirected to storage that must not receive our credentials).
/// </summary>
internal sealed class RegistryHttp
{
    private readonly HttpClient _verified = Create(skipVerify: false);
    private readonly HttpClient _unverified = Create(skipVerify: true);

    public HttpClient For(RegistryEndpoint endpoint) => endpoint.SkipTlsVerify ? _unverified : _verified;

    private static HttpClient Create(bool skipVerify)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            MaxConnectionsPerServer = 16,
            UseCookies = false,
        };
        if (skipVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
