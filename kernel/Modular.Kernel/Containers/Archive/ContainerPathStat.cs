using System.Globalization;
using System.Text;
using System.Text.Json;
using Modular.Sdk.Syscalls;

namespace Modular.Kernel.Containers.Archive;

/// <summary>
/// What <c>docker cp</c> learns about a container path: moby's <c>container.PathStat</c>, sent as the
/// <c>X-Docker-Container-Path-Stat</c> header (standard base64 of its JSON).
/// </summary>
/// <param name="Name">The base name of the path as asked for.</param>
/// <param name="Mode">The mode in Go's <c>os.FileMode</c> bits, which the CLI decodes.</param>
/// <param name="LinkTarget">For a symlink, the container path it finally resolves to; empty otherwise.</param>
public sealed record ContainerPathStat(string Name, long Size, uint Mode, DateTimeOffset ModificationTime, string LinkTarget)
{
    public const string HeaderName = "X-Docker-Container-Path-Stat";

    // Go's os.FileMode type bits (io/fs).
    public const uint GoModeDir = 1u << 31;
    public const uint GoModeSymlink = 1u << 27;
    public const uint GoModeDevice = 1u << 26;
    public const uint GoModeNamedPipe = 1u << 25;
    public const uint GoModeSocket = 1u << 24;
    public const uint GoModeSetuid = 1u << 23;
    public const uint GoModeSetgid = 1u << 22;
    public const uint GoModeCharDevice = 1u << 21;
    public const uint GoModeSticky = 1u << 20;

    public bool IsDirectory => (Mode & GoModeDir) != 0;

    public static ContainerPathStat From(string name, FileStatus status, string linkTarget) =>
        new(name, status.Size, GoFileMode(status.Mode), status.ModificationTime.ToDateTimeOffset(), linkTarget);

    /// <summary>Converts a Linux <c>st_mode</c> the way Go's <c>os.Lstat</c> does.</summary>
    public static uint GoFileMode(uint mode)
    {
        var result = mode & 0x1FF;
        result |= (mode & FileStatus.TypeMask) switch
        {
            FileStatus.TypeDirectory => GoModeDir,
            FileStatus.TypeSymlink => GoModeSymlink,
            FileStatus.TypeBlockDevice => GoModeDevice,
            FileStatus.TypeCharDevice => GoModeDevice | GoModeCharDevice,
            FileStatus.TypeFifo => GoModeNamedPipe,
            FileStatus.TypeSocket => GoModeSocket,
            _ => 0u,
        };
        if ((mode & 0x800) != 0)
        {
            result |= GoModeSetuid;
        }
        if ((mode & 0x400) != 0)
        {
            result |= GoModeSetgid;
        }
        if ((mode & 0x200) != 0)
        {
            result |= GoModeSticky;
        }
        return result;
    }

    /// <summary>The header value: JSON with moby's lower-case keys, mtime as Go marshals a time (RFC 3339, trimmed nanoseconds).</summary>
    public string ToHeaderValue()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", Name);
            json.WriteNumber("size", Size);
            json.WriteNumber("mode", Mode);
            json.WriteString("mtime", GoTime(ModificationTime));
            json.WriteString("linkTarget", LinkTarget);
            json.WriteEndObject();
        }
        return Convert.ToBase64String(buffer.ToArray());
    }

    /// <summary>Decodes a header value (tests and clients of our own).</summary>
    public static ContainerPathStat FromHeaderValue(string value)
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(value)));
        var root = document.RootElement;
        return new ContainerPathStat(
            root.GetProperty("name").GetString() ?? "",
            root.GetProperty("size").GetInt64(),
            root.GetProperty("mode").GetUInt32(),
            DateTimeOffset.Parse(root.GetProperty("mtime").GetString() ?? "", CultureInfo.InvariantCulture),
            root.GetProperty("linkTarget").GetString() ?? "");
    }

    private static string GoTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var fraction = utc.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z";
    }
}
