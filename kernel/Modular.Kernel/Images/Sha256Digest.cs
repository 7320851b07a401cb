using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>Helpers for <c>sha256:&lt;hex&gt;</c> digests, the identity of configs, layers and chains.</summary>
internal static partial class Sha256Digest
{
    public const string Prefix = "sha256:";

    public static string Of(ReadOnlySpan<byte> content) => Prefix + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Of(string text) => Of(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The 64 hex characters of a <c>sha256:</c> digest; throws InvalidArgument for anything else.</summary>
    public static string Hex(string digest)
    {
        if (!IsValid(digest))
        {
            throw DriverException.InvalidArgument($"invalid digest {digest}: only sha256 digests of 64 lowercase hex characters are supported");
        }
        return digest[Prefix.Length..];
    }

    public static bool IsValid(string? digest) =>
        digest is not null && digest.StartsWith(Prefix, StringComparison.Ordinal) && HexPattern().IsMatch(digest.AsSpan(Prefix.Length));

    public static bool IsHex(string text) => HexPattern().IsMatch(text);

    /// <summary>Docker's 12-character short form of an id (without the algorithm).</summary>
    public static string Short(string id)
    {
        var hex = id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : id;
        return hex.Length > 12 ? hex[..12] : hex;
    }

    [GeneratedRegex("^[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex HexPattern();
}
