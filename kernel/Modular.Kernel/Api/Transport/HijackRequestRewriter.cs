using System.Text;

namespace Modular.Kernel.Api.Transport;

/// <summary>
/// Docker's `POST /exec/{id}/start` asks for a protocol upgrade (Connection: Upgrade, Upgrade: tcp) and carries a JSON
/// body. Kestrel never upgrades a request that has a body, so on the first request of a connection (the docker
/// client dials a fresh connection for every hijacked request) the body of such a request is moved into a header,
/// <see cref="BodyHeader"/>, base64-encoded, and its Content-Length removed. Every other request passes unchanged.
/// </summary>
public static class HijackRequestRewriter
{
    public const string BodyHeader = "X-Modular-Hijack-Body";
    private const int MaxHead = 64 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Whether <paramref name="buffered"/> holds enough to decide: a whole head (and body if needed), or too much to be one.</summary>
    public static bool CanDecide(ReadOnlySpan<byte> buffered)
    {
        var headEnd = buffered.IndexOf(HeadEnd);
        if (headEnd < 0)
        {
            return buffered.Length >= MaxHead;
        }
        var head = Encoding.ASCII.GetString(buffered[..headEnd]);
        return !IsUpgradeWithBody(head, out var length) || buffered.Length >= headEnd + HeadEnd.Length + length;
    }

    /// <summary>The bytes to hand to Kestrel for what was buffered (call once <see cref="CanDecide"/> is true).</summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> buffered)
    {
        var headEnd = buffered.IndexOf(HeadEnd);
        if (headEnd < 0)
        {
            return buffered.ToArray();
        }
        var head = Encoding.ASCII.GetString(buffered[..headEnd]);
        if (!IsUpgradeWithBody(head, out var length))
        {
            return buffered.ToArray();
        }
        var bodyStart = headEnd + HeadEnd.Length;
        var body = buffered.Slice(bodyStart, length);
        var rest = buffered[(bodyStart + length)..];
        var lines = head.Split("\r\n").Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var rewritten = string.Join("\r\n", lines) + $"\r\n{BodyHeader}: {Convert.ToBase64String(body)}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(rewritten), .. rest];
    }

    private static bool IsUpgradeWithBody(string head, out int length)
    {
        length = 0;
        var upgrade = false;
        foreach (var line in head.Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                upgrade = true;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, out var parsed))
            {
                length = parsed;
            }
        }
        return upgrade && length is > 0 and <= MaxHead;
    }
}
