using System.Text;
using System.Text.Json;
using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// Docker's AuthConfig: what the client sends in X-Registry-Auth (base64url JSON) and in the body of POST /auth.
/// An identity token, when present, is an OAuth refresh token that replaces the password.
/// </summary>
internal sealed record RegistryCredentials(string? Username, string? Password, string? IdentityToken, string? RegistryToken, string? ServerAddress)
{
    public static RegistryCredentials Anonymous { get; } = new(null, null, null, null, null);

    public bool HasUserPassword => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);

    /// <summary>Decodes an X-Registry-Auth header; an absent or empty one is anonymous. Docker's clients pad or not.</summary>
    public static RegistryCredentials FromHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return Anonymous;
        }
        byte[] json;
        try
        {
            var text = header.Trim().Replace('-', '+').Replace('_', '/');
            json = Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
        }
        catch (FormatException)
        {
            throw DriverException.InvalidArgument("invalid X-Registry-Auth header: not base64url");
        }
        return FromJson(json);
    }

    /// <summary>Parses an AuthConfig JSON object (username, password, auth, identitytoken, registrytoken, serveraddress).</summary>
    public static RegistryCredentials FromJson(ReadOnlySpan<byte> json)
    {
        if (json.Trim((byte)' ').Length == 0 || json.SequenceEqual("null"u8) || json.SequenceEqual("{}"u8))
        {
            return Anonymous;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw DriverException.InvalidArgument($"invalid registry credentials: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Anonymous;
            }
            string? Field(string name) => root.EnumerateObject()
                .Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                .Select(p => p.Value.GetString()).FirstOrDefault();
            var username = Field("username");
            var password = Field("password");
            if (string.IsNullOrEmpty(username) && Field("auth") is { Length: > 0 } auth)
            {
                // "auth" is base64 of user:password, as stored in ~/.docker/config.json.
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                var colon = pair.IndexOf(':');
                if (colon > 0)
                {
                    username = pair[..colon];
                    password = pair[(colon + 1)..];
                }
            }
            return new RegistryCredentials(username, password, Field("identitytoken"), Field("registrytoken"), Field("serveraddress"));
        }
    }

    public string BasicHeaderValue() => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    public override string ToString() => $"RegistryCredentials({Username ?? "anonymous"})";
}
