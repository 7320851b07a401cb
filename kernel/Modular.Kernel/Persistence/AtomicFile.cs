using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Modular.Kernel.Persistence;

/// <summary>
/// The one way the kernel writes state: to a temporary file in the same folder, flushed to disk, then renamed over
/// the target, so a daemon killed at any instant leaves either the old or the new content, never a torn file.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public static void WriteJson<T>(string path, T value, JsonTypeInfo<T> typeInfo) =>
        WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    public static void WriteJson<T>(string path, T value) =>
        WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, StateJson.Options));

    /// <summary>Reads a JSON state file, or returns default when it does not exist.</summary>
    public static T? ReadJson<T>(string path)
    {
        if (!File.Exists(path))
        {
            return default;
        }
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<T>(stream, StateJson.Options);
    }

    /// <summary>Removes temporary files a killed daemon left behind in <paramref name="folder"/>.</summary>
    public static void RemoveLeftovers(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        foreach (var leftover in Directory.EnumerateFiles(folder, ".*.tmp", SearchOption.AllDirectories))
        {
            File.Delete(leftover);
        }
    }
}
