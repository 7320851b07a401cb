using System.Security.Cryptography;
using System.Text;

namespace Modular.Shim.Protocol;

/// <summary>
/// Where a container's shim listens: an abstract unix socket named after its state directory. Abstract, because a
/// path under a deep exec-root can exceed the 107 bytes a socket path may have, and nothing is left on disk when the
/// shim dies; the shim checks that whoever connects is root, since abstract sockets have no file permissions.
/// </summary>
public static class ShimAddress
{
    /// <summary>The abstract name (without the leading NUL) of the shim whose state lives in <paramref name="stateDirectory"/>.</summary>
    public static string NameFor(string stateDirectory)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDirectory)));
        return $"modular-shim/{Convert.ToHexStringLower(digest)[..32]}";
    }

    /// <summary>
    /// A fresh path for an OCI runtime's <c>--console-socket</c>, which must be a socket file: a short private name in
    /// the temp folder, since a path under a deep bundle can exceed the 107 bytes a socket path may have.
    /// </summary>
    public static string NewConsoleSocketPath() =>
        Path.Combine(Path.GetTempPath(), $"modular-console-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.sock");

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
