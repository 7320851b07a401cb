using System.Security.Cryptography;
using System.Text;
using Modular.Kernel.Persistence;

namespace Modular.Kernel.Build;

/// <summary>
/// The classic builder's cache: which image a step produced from a given parent image and step (the history text,
/// the resulting config, and for COPY/ADD the checksum of the sources, which is part of the history text). Kept in
/// <c>&lt;data-root&gt;/builder/cache.json</c>, rewritten atomically on every new entry so it survives restarts;
/// entries whose image is gone are dropped when looked up.
/// </summary>
public sealed class BuildCache
{
    private readonly string _file;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _entries;

    public BuildCache(string dataRoot)
    {
        var folder = Path.Combine(dataRoot, "builder");
        Directory.CreateDirectory(folder);
        AtomicFile.RemoveLeftovers(folder);
        // Contexts of builds a previous daemon was running when it stopped.
        var temporary = Path.Combine(folder, "tmp");
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }
        _file = Path.Combine(folder, "cache.json");
        Dictionary<string, string>? loaded = null;
        try
        {
            loaded = File.Exists(_file) ? AtomicFile.ReadJson<Dictionary<string, string>>(_file) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            loaded = null;
        }
        _entries = loaded ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>The cache key of a step: its parent image, its history text and the config it produces.</summary>
    public static string Key(string? parentImageId, string createdBy, string configJson)
    {
        var text = $"{parentImageId ?? "scratch"}\n{createdBy}\n{configJson}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The cached image for <paramref name="key"/>, if <paramref name="exists"/> says it is still there.</summary>
    public string? Find(string key, Func<string, bool> exists)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var imageId))
            {
                return null;
            }
            if (exists(imageId))
            {
                return imageId;
            }
            _entries.Remove(key);
            return null;
        }
    }

    public void Add(string key, string imageId)
    {
        lock (_gate)
        {
            _entries[key] = imageId;
            AtomicFile.WriteJson(_file, _entries);
        }
    }
}
