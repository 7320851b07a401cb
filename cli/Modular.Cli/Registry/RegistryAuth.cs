using System.Text;
using System.Text.Json;

namespace Modular.Cli.Registry;

/// <summary>
/// Which credentials go with a registry operation, as the docker CLI decides: the config file's entry for the image's
/// registry (Docker Hub's key is its legacy index URL), sent as X-Registry-Auth (base64url AuthConfig JSON).
/// </summary>
internal static class RegistryAuth
{
    public const string DockerHubServer = "https://index.docker.io/v1/";

    /// <summary>The registry host of an image reference as typed (<c>busybox</c> is Docker Hub).</summary>
    public static string ServerOf(string image)
    {
        var slash = image.IndexOf('/');
        if (slash < 0)
            return DockerHubServer;
        var first = image[..slash];
        var isHost = first.Contains('.') || first.Contains(':') || first == "localhost" || first != first.ToLowerInvariant();
        return !isHost || first is "docker.io" or "index.docker.io" ? DockerHubServer : first;
    }

    /// <summary>A login server argument as the config file keys it.</summary>
    public static string NormalizeServer(string? server)
    {
        if (string.IsNullOrEmpty(server))
            return DockerHubServer;
        var address = server.Trim();
        if (address.StartsWith("http://", StringComparison.Ordinal) || address.StartsWith("https://", StringComparison.Ordinal))
        {
            var uri = new Uri(address);
            address = uri.Authority;
        }
        address = address.TrimEnd('/');
        return address is "docker.io" or "index.docker.io" or "registry-1.docker.io" ? DockerHubServer : address;
    }

    public static string? HeaderFor(string image)
    {
        var server = ServerOf(image);
        return DockerConfigFile.Load().Credentials(server) is { } credentials ? Encode(credentials.User, credentials.Password, server) : null;
    }

    public static string Encode(string user, string password, string server) =>
        Convert.ToBase64String(AuthConfigJson(user, password, server)).Replace('+', '-').Replace('/', '_');

    public static byte[] AuthConfigJson(string user, string password, string server)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("username", user);
            writer.WriteString("password", password);
            writer.WriteString("serveraddress", server);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
