using System.Globalization;
using System.Text;

namespace Modular.Cli.Formatting;

/// <summary>Docker CLI's small string helpers.</summary>
internal static class TextUtil
{
    /// <summary>Strips an algorithm prefix ("sha256:") and keeps 12 characters, as stringid.TruncateID.</summary>
    public static string TruncateId(string id)
    {
        var colon = id.IndexOf(':');
        if (colon >= 0)
            id = id[(colon + 1)..];
        return id.Length > 12 ? id[..12] : id;
    }

    /// <summary>Cuts to <paramref name="maxWidth"/> runes with a trailing "…" when longer.</summary>
    public static string Ellipsis(string text, int maxWidth)
    {
        if (maxWidth <= 0)
            return "";
        var runes = text.EnumerateRunes().ToArray();
        if (runes.Length <= maxWidth)
            return text;
        if (maxWidth == 1)
            return runes[0].ToString();
        return string.Concat(runes.Take(maxWidth - 1).Select(r => r.ToString())) + "…";
    }

    /// <summary>Go's strconv.Quote: double quotes with Go escapes, printable Unicode kept.</summary>
    public static string GoQuote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\a': builder.Append("\\a"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\v': builder.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                        builder.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
                    else
                        builder.Append(rune.ToString());
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>Splits "name:tag" at the tag colon (not a registry port): the colon after the last slash.</summary>
    public static (string Repository, string? Tag) SplitReference(string reference)
    {
        var at = reference.IndexOf('@');
        if (at >= 0)
            reference = reference[..at];
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        return colon > slash ? (reference[..colon], reference[(colon + 1)..]) : (reference, null);
    }

    /// <summary>docker.io/library/x → x, docker.io/user/x → user/x, as reference.FamiliarName.</summary>
    public static string FamiliarName(string repository)
    {
        if (repository.StartsWith("docker.io/library/", StringComparison.Ordinal))
            return repository["docker.io/library/".Length..];
        if (repository.StartsWith("docker.io/", StringComparison.Ordinal))
            return repository["docker.io/".Length..];
        return repository;
    }
}
