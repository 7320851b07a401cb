using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modular.Cli.Registry;

/// <summary>
/// The docker CLI's config file (<c>$DOCKER_CONFIG/config.json</c>, default <c>~/.docker/config.json</c>), where
/// <c>login</c> stores credentials as <c>auths[server].auth = base64(user:password)</c>. Other keys are kept as they
/// are, so the docker CLI and modular share one file.
/// </summary>
internal sealed class DockerConfigFile
{
    private readonly JsonObject _root;

    private DockerConfigFile(string path, JsonObject root)
    {
        Path = path;
        _root = root;
    }

    public string Path { get; }

    public static DockerConfigFile Load()
    {
        var folder = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var path = System.IO.Path.Combine(folder, "config.json");
        JsonObject root = [];
        if (File.Exists(path))
        {
            try
            {
                root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? [];
            }
            catch (JsonException e)
            {
                throw new CliStatusException(1, $"loading config file: {path}: {e.Message}");
            }
        }
        return new DockerConfigFile(path, root);
    }

    /// <summary>The stored user and password for <paramref name="server"/>, or null.</summary>
    public (string User, string Password)? Credentials(string server)
    {
        if (_root["auths"] is not JsonObject auths || auths[server] is not JsonObject entry || entry["auth"]?.GetValue<string>() is not { Length: > 0 } auth)
            return null;
        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
        var colon = pair.IndexOf(':');
        return colon < 0 ? null : (pair[..colon], pair[(colon + 1)..]);
    }

    public void Store(string server, string user, string password)
    {
        if (_root["auths"] is not JsonObject auths)
            _root["auths"] = auths = [];
        auths[server] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")) };
        Save();
    }

    /// <summary>Removes the server's credentials; false when there were none.</summary>
    public bool Remove(string server)
    {
        if (_root["auths"] is not JsonObject auths || !auths.Remove(server))
            return false;
        Save();
        return true;
    }

    private void Save()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = Path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
            _root.WriteTo(writer);
        }
        File.Move(temporary, Path, overwrite: true);
    }
}
