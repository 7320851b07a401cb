namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// <c>docker login</c>'s check: the registry's /v2/ must accept the credentials (directly, or through its token
/// server). A refusal is a Forbidden DriverException whose message the CLI shows.
/// </summary>
internal static class RegistryLogin
{
    public static async Task LoginAsync(RegistryHttp http, RegistrySettings settings, string serverAddress, RegistryCredentials credentials,
        CancellationToken cancellationToken)
    {
        var host = HostOf(serverAddress);
        Exception? lastError = null;
        foreach (var endpoint in settings.EndpointsFor(host, forPush: true))
        {
            try
            {
                // The scope of an empty repository is harmless: registries grant a token for /v2/ with any scope.
                await new RegistrySession(http, endpoint, "", push: false, credentials).PingAsync(cancellationToken);
                return;
            }
            catch (HttpRequestException e)
            {
                lastError = e;
            }
        }
        throw new Sdk.DriverException(Sdk.DriverErrorKind.Unavailable, lastError?.Message ?? $"no endpoint of {host} answered");
    }

    /// <summary>The registry host of a login server address: a URL or a bare host, Docker Hub's index URL being docker.io.</summary>
    public static string HostOf(string serverAddress)
    {
        var address = serverAddress.Trim();
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            address = uri.Authority;
        }
        address = address.TrimEnd('/');
        return address is "index.docker.io" or "registry-1.docker.io" or "docker.io" ? ImageReference.DefaultDomain : address;
    }
}
