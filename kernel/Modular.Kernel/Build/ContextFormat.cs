using System.Text;

namespace Modular.Kernel.Build;

/// <summary>
/// Tells a tar context from a bare Dockerfile sent as the whole body (<c>docker build - &lt; Dockerfile</c> as other
/// clients send it): a tar starts with a 512-byte header whose checksum field matches its bytes, or with a zero block.
/// </summary>
public static class ContextFormat
{
    public const int HeaderSize = 512;
    private const int ChecksumOffset = 148;
    private const int ChecksumLength = 8;

    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    /// <summary>Text that is not a tar header; anything with a NUL byte is left to the tar reader, which names the corruption.</summary>
    public static bool IsBareDockerfile(ReadOnlySpan<byte> head) => !IsTar(head) && !head.Contains((byte)0);

    public static bool IsTar(ReadOnlySpan<byte> head)
    {
        if (head.Length < HeaderSize)
        {
            return false;
        }
        var header = head[..HeaderSize];
        if (!header.ContainsAnyExcept((byte)0))
        {
            return true;
        }
        var field = Encoding.ASCII.GetString(header.Slice(ChecksumOffset, ChecksumLength)).Trim(' ', '\0');
        if (field.Length == 0 || field.Any(c => c is < '0' or > '7'))
        {
            return false;
        }
        var expected = Convert.ToInt64(field, 8);
        long sum = 0;
        for (var i = 0; i < HeaderSize; i++)
        {
            sum += i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength ? (byte)' ' : header[i];
        }
        return sum == expected;
    }
}
