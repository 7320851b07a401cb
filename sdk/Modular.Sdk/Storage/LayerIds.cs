namespace Modular.Sdk.Storage;

/// <summary>Checks layer ids before a driver turns them into paths.</summary>
public static class LayerIds
{
    /// <summary>The longest id accepted; Docker's are 64 hex digits, with a <c>-init</c> suffix for init layers.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// Throws <see cref="DriverErrorKind.InvalidArgument"/> unless <paramref name="id"/> is a plain name: letters, digits,
    /// <c>_</c>, <c>.</c> and <c>-</c>, not starting with <c>.</c> or <c>-</c>, so it can never name a path outside the driver's root.
    /// </summary>
    public static void EnsureValid(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || id[0] is '.' or '-' ||
            !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            throw DriverException.InvalidArgument($"invalid layer id \"{id}\"");
        }
    }
}
