using System.Text;
using System.Text.Json;
using Modular.Kernel.Images;
using Modular.Kernel.Images.Distribution;
using Modular.Sdk;

namespace Modular.Kernel.Build;

/// <summary>
/// The <c>X-Registry-Config</c> header of <c>POST /build</c>: base64url JSON mapping registry addresses (a host, or
/// Docker Hub's index URL) to AuthConfig objects, the docker CLI sending every login it has. The builder uses the entry
/// of a base image's registry when it pulls it; a registry without an entry is pulled anonymously.
/// </summary>
public sealed class BuildRegistryAuth
{
    public static BuildRegistryAuth None { get; } = new(new Dictionary<string, RegistryCredentials>(StringComparer.OrdinalIgnoreCase));

    private readonly Dictionary<string, RegistryCredentials> _byHost;

    private BuildRegistryAuth(Dictionary<string, RegistryCredentials> byHost)
    {
        _byHost = byHost;
    }

    internal RegistryCredentials For(ImageReference reference) =>
        _byHost.TryGetValue(reference.Domain, out var credentials) ? credentials : RegistryCredentials.Anonymous;

    public static BuildRegistryAuth FromHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return None;
        }
        byte[] json;
        try
        {
            var text = header.Trim().Replace('-', '+').Replace('_', '/');
            json = Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
        }
        catch (FormatException)
        {
            throw DriverException.InvalidArgument("invalid X-Registry-Config header: not base64url");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw DriverException.InvalidArgument($"invalid X-Registry-Config header: {e.Message}");
        }
        using (document)
        {
            var byHost = new Dictionary<string, RegistryCredentials>(StringComparer.OrdinalIgnoreCase);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return None;
            }
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                var credentials = RegistryCredentials.FromJson(Encoding.UTF8.GetBytes(entry.Value.GetRawText()));
                byHost[RegistryLogin.HostOf(entry.Name)] = credentials;
            }
            return new BuildRegistryAuth(byHost);
        }
    }
}
