using System.Text;

namespace Modular.Shim.Protocol;

/// <summary>
/// Where a container's shim listens: an abstract unix socket named after its state directory. Abstract, because a
/// path under a deep exec-root can exceed the 107 bytes a socket path may have, and nothing is left on disk when the
/// shim dies. Abstract sockets have no file permissions, so the shim accepts only root and the daemon talks only to
/// a shim running as root.
/// </summary>
public static class ShimAddress
{
    /// <summary>The abstract name (without the leading NUL) of the shim whose state lives in <paramref name="stateDirectory"/>.</summary>
    public static string NameFor(string stateDirectory)
    {
        // Two FNV-1a passes with different offsets: a stable 128-bit name without loading a crypto library into every
        // shim (OpenSSL alone would add ~0.4 MiB of private memory to each). Names need not be secret: both sides
        // check that the peer is root.
        var bytes = Encoding.UTF8.GetBytes(Path.GetFullPath(stateDirectory));
        return $"modular-shim/{Fnv1a(bytes, 14695981039346656037UL):x16}{Fnv1a(bytes, 1099511628211UL * 31):x16}";
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes, ulong offset)
    {
        var hash = offset;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }

    /// <summary>
    /// A fresh path for an OCI runtime's <c>--console-socket</c>, which must be a socket file: a short private name in
    /// the temp folder, since a path under a deep bundle can exceed the 107 bytes a socket path may have.
    /// </summary>
    public static string NewConsoleSocketPath() =>
        Path.Combine(Path.GetTempPath(), $"modular-console-{Guid.NewGuid():N}.sock");

    /// <summary>The sockaddr_un bytes of an abstract name: family, then NUL, then the name (no terminator).</summary>
    internal static byte[] SocketAddress(string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var address = new byte[2 + 1 + nameBytes.Length];
        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)Native.AF_UNIX);
        nameBytes.CopyTo(address, 3);
        return address;
    }

    /// <summary>The sockaddr_un bytes of a socket file: family, path, NUL.</summary>
    internal static byte[] PathAddress(string path)
    {
        var pathBytes = Encoding.UTF8.GetBytes(path);
        if (pathBytes.Length > 107)
        {
            throw new ArgumentException($"socket path {path} is longer than 107 bytes");
        }
        var address = new byte[2 + pathBytes.Length + 1];
        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)Native.AF_UNIX);
        pathBytes.CopyTo(address, 2);
        return address;
    }
}
